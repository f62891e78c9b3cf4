package dev.vimi.compat.broken;

import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retrievers broken on purpose, each in one way a plugin author could get wrong. Each wraps the
 * reference in-memory retriever, which passes the suite, and breaks exactly one promise.
 */
final class BrokenRetrievers {
  private BrokenRetrievers() {}

  /** The reference retriever over {@code memory}. */
  static Retriever reference(List<ImageTextPair> memory, Path workDir) {
    InMemoryRetrieverProvider p = new InMemoryRetrieverProvider();
    ProviderConfig cfg = ProviderConfig.of("test", Map.of("file", workDir.resolve("m.tsv").toString()));
    try (MemoryWriter w = p.openWriter(cfg)) {
      memory.forEach(w::add);
    }
    return p.open(cfg);
  }

  /** Delegates everything; subclasses break {@link #retrieve}. */
  abstract static class Wrapper implements Retriever {
    final Retriever delegate;

    Wrapper(Retriever delegate) {
      this.delegate = delegate;
    }

    @Override
    public MemoryStats stats() {
      return delegate.stats();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Honours only the first excluded id of a query. */
  static final class OnlyFirstExclusion extends Wrapper {
    OnlyFirstExclusion(Retriever d) {
      super(d);
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      Set<String> first = q.excludeIds().isEmpty() ? Set.of() : Set.of(q.excludeIds().iterator().next());
      return delegate.retrieve(new RetrievalQuery(q.text(), q.k(), first));
    }
  }

  /** Throws on a query without searchable words, as a query parser would on "???". */
  static final class ThrowsWithoutWords extends Wrapper {
    ThrowsWithoutWords(Retriever d) {
      super(d);
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      if (!q.text().matches("(?s).*[\\p{L}\\p{Nd}].*")) {
        throw new IllegalArgumentException("cannot parse query '" + q.text() + "': no terms");
      }
      return delegate.retrieve(q);
    }
  }

  /** Ignores K above 5 (a hard-coded page size). */
  static final class IgnoresKAboveFive extends Wrapper {
    IgnoresKAboveFive(Retriever d) {
      super(d);
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      return delegate.retrieve(new RetrievalQuery(q.text(), Math.min(q.k(), 5), q.excludeIds()));
    }
  }

  /** Silently caps results at 50 (a server-side hit limit). */
  static final class CapsAtFifty extends Wrapper {
    CapsAtFifty(Retriever d) {
      super(d);
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      return delegate.retrieve(new RetrievalQuery(q.text(), Math.min(q.k(), 50), q.excludeIds()));
    }
  }

  /** Pads the hits up to K with pairs that do not match, at score 0. */
  static final class PadsToK extends Wrapper {
    private final List<ImageTextPair> memory;

    PadsToK(Retriever d, List<ImageTextPair> memory) {
      super(d);
      this.memory = memory;
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      List<RetrievedItem> hits = new ArrayList<>(delegate.retrieve(q));
      Set<String> seen = new HashSet<>();
      hits.forEach(h -> seen.add(h.id()));
      for (ImageTextPair p : memory) {
        if (hits.size() >= q.k()) {
          break;
        }
        if (!seen.contains(p.id()) && !q.excludeIds().contains(p.id())) {
          hits.add(new RetrievedItem(p.id(), p.caption(), p.image(), 0f));
        }
      }
      return List.copyOf(hits);
    }
  }

  /** Reuses one result buffer for every call to save allocations: a race when threads query at once. */
  static final class SharedBuffer extends Wrapper {
    private final ArrayList<RetrievedItem> scratch = new ArrayList<>();

    SharedBuffer(Retriever d) {
      super(d);
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery q) {
      scratch.clear();
      scratch.addAll(delegate.retrieve(new RetrievalQuery(q.text(), RetrievalQuery.MAX_K, q.excludeIds())));
      // where a real implementation would do more work: on a loaded two-core machine the threads of the check
      // rarely run at the same moment, and without a pause here the race showed in only some runs
      Thread.yield();
      return List.copyOf(scratch.subList(0, Math.min(q.k(), scratch.size())));
    }
  }
}
