package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The retriever contract as a list of {@link Check}s over one memory. Used by {@link
 * RetrieverContractSuite} and by {@link CompatRunner}. Not thread-safe; owns the retriever it creates.
 */
public final class RetrieverContract implements AutoCloseable {

  /** Builds a retriever over exactly the given pairs. */
  @FunctionalInterface
  public interface Factory {
    Retriever create(List<ImageTextPair> memory, Path workDir) throws Exception;
  }

  /** Size of the generated memory. */
  public static final int MEMORY_SIZE = 150;

  private final Factory factory;
  private final Path workDir;
  private final long seed;
  private final boolean checkImages;
  private List<ImageTextPair> memory;
  private Map<String, ImageTextPair> byId;
  private Retriever retriever;

  public RetrieverContract(Factory factory, Path workDir, long seed, boolean checkImages) {
    this.factory = factory;
    this.workDir = workDir;
    this.seed = seed;
    this.checkImages = checkImages;
  }

  private Retriever retriever() throws Exception {
    if (retriever == null) {
      memory = CompatData.memory(MEMORY_SIZE, seed, workDir.resolve("images"));
      byId = new HashMap<>();
      memory.forEach(p -> byId.put(p.id(), p));
      retriever = factory.create(memory, workDir.resolve("memory"));
      assertThat(retriever).as("factory returned null").isNotNull();
    }
    return retriever;
  }

  private String why() {
    return " (seed " + seed + "; reproduce with -Dvimi.compat.seed=" + seed + ")";
  }

  private List<RetrievalQuery> randomQueries(int n, int k) {
    Random rnd = new Random(seed ^ 0x51);
    List<RetrievalQuery> qs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String q =
          CompatData.VOCABULARY.get(rnd.nextInt(CompatData.VOCABULARY.size()))
              + " "
              + CompatData.VOCABULARY.get(rnd.nextInt(CompatData.VOCABULARY.size()));
      qs.add(new RetrievalQuery(q, k));
    }
    return qs;
  }

  public List<Check> checks() {
    return List.of(
        new Check("hits are sorted by descending score, at most K, with finite scores", this::sortedAndBounded),
        new Check("a caption queried verbatim ranks its own pair first", this::verbatimFirst),
        new Check("K larger than the memory returns every matching pair exactly once", this::largeK),
        new Check("excluded ids never appear", this::exclusion),
        new Check("the same query gives the same hits in the same order", this::deterministic),
        new Check("batch retrieval equals single retrievals, in order", this::batch),
        new Check("concurrent queries agree with sequential ones", this::concurrent),
        new Check("a query that matches nothing returns no hits", this::noMatch),
        new Check("stats count every pair", this::stats),
        new Check("hits carry the stored caption and image", this::payload));
  }

  private void sortedAndBounded() throws Exception {
    for (RetrievalQuery q : randomQueries(20, 5)) {
      List<RetrievedItem> hits = retriever().retrieve(q);
      assertThat(hits).as("hits for '%s'%s", q.text(), why()).hasSizeLessThanOrEqualTo(5);
      for (int i = 0; i < hits.size(); i++) {
        assertThat(Float.isFinite(hits.get(i).score())).as("finite score" + why()).isTrue();
        if (i > 0) {
          assertThat(hits.get(i).score())
              .as("score order for '%s'%s", q.text(), why())
              .isLessThanOrEqualTo(hits.get(i - 1).score());
        }
      }
      assertThat(hits.stream().map(RetrievedItem::id).distinct().count())
          .as("no id twice" + why())
          .isEqualTo(hits.size());
    }
  }

  private void verbatimFirst() throws Exception {
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 15) {
      ImageTextPair p = memory.get(i);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(p.caption(), 3));
      assertThat(hits).as("hits for the caption of %s%s", p.id(), why()).isNotEmpty();
      assertThat(hits.get(0).id()).as("top hit for the caption of %s%s", p.id(), why()).isEqualTo(p.id());
    }
  }

  private void largeK() throws Exception {
    Retriever r = retriever();
    String word = CompatData.VOCABULARY.get(new Random(seed).nextInt(CompatData.VOCABULARY.size()));
    Set<String> expected = new HashSet<>();
    for (ImageTextPair p : memory) {
      if (CompatData.containsWord(p.caption(), word)) {
        expected.add(p.id());
      }
    }
    List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(word, MEMORY_SIZE + 50));
    List<String> ids = hits.stream().map(RetrievedItem::id).toList();
    assertThat(ids).as("ids for '%s'%s", word, why()).doesNotHaveDuplicates().containsAll(expected);
  }

  private void exclusion() throws Exception {
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 25) {
      ImageTextPair p = memory.get(i);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(p.caption(), 3, Set.of(p.id())));
      assertThat(hits).extracting(RetrievedItem::id).as("hits excluding %s%s", p.id(), why()).doesNotContain(p.id());
      assertThat(hits).as("the other pairs still fill K for %s%s", p.id(), why()).hasSize(3);
    }
  }

  private void deterministic() throws Exception {
    Retriever r = retriever();
    for (RetrievalQuery q : randomQueries(10, 4)) {
      assertThat(r.retrieve(q)).as("repeat of '%s'%s", q.text(), why()).isEqualTo(r.retrieve(q));
    }
  }

  private void batch() throws Exception {
    Retriever r = retriever();
    List<RetrievalQuery> qs = randomQueries(16, 3);
    List<List<RetrievedItem>> all = r.retrieveAll(qs);
    assertThat(all).as("one result list per query" + why()).hasSize(qs.size());
    for (int i = 0; i < qs.size(); i++) {
      assertThat(all.get(i)).as("batch result %d for '%s'%s", i, qs.get(i).text(), why()).isEqualTo(r.retrieve(qs.get(i)));
    }
  }

  private void concurrent() throws Exception {
    Retriever r = retriever();
    List<RetrievalQuery> qs = randomQueries(24, 3);
    List<List<RetrievedItem>> sequential = new ArrayList<>();
    for (RetrievalQuery q : qs) {
      sequential.add(r.retrieve(q));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<RetrievedItem>>> futures = new ArrayList<>();
      for (int rep = 0; rep < 3; rep++) {
        for (RetrievalQuery q : qs) {
          futures.add(pool.submit(() -> r.retrieve(q)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).as("concurrent result %d%s", i, why()).isEqualTo(sequential.get(i % qs.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void noMatch() throws Exception {
    assertThat(retriever().retrieve(new RetrievalQuery("xylophonequux wobblefrotz", 3))).as("hits" + why()).isEmpty();
  }

  private void stats() throws Exception {
    long pairs = retriever().stats().pairs();
    if (pairs != -1) {
      assertThat(pairs).as("stats().pairs()" + why()).isEqualTo(memory.size());
    }
  }

  private void payload() throws Exception {
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 10) {
      ImageTextPair p = memory.get(i);
      RetrievedItem top = r.retrieve(new RetrievalQuery(p.caption(), 1)).get(0);
      assertThat(top.caption()).as("caption of %s%s", p.id(), why()).isEqualTo(p.caption());
      if (checkImages) {
        ImageRef stored = byId.get(top.id()).image();
        if (stored == null) {
          assertThat(top.image()).as("image of text-only %s%s", p.id(), why()).isNull();
        } else {
          assertThat(top.image()).as("image of %s%s", p.id(), why()).isNotNull();
          assertThat(ImageBytes.read(top.image()))
              .as("image bytes of %s%s", p.id(), why())
              .isEqualTo(ImageBytes.read(stored));
        }
      }
    }
  }

  @Override
  public void close() {
    if (retriever != null) {
      retriever.close();
      retriever.close(); // close must be idempotent
      retriever = null;
    }
  }
}
