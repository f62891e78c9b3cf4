package dev.vimi.compat.broken;

import dev.vimi.compat.MemoryWriterContract.MemoryUnderTest;
import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Memory writers broken on purpose, each in one way a plugin author could get wrong. Each wraps the
 * writer of the reference in-memory provider, which passes the suite, and breaks exactly one promise.
 */
final class BrokenWriters {
  private BrokenWriters() {}

  /** A memory of the reference provider whose writers are wrapped by {@code wrap}. */
  static MemoryUnderTest memory(Path workDir, UnaryOperator<MemoryWriter> wrap) {
    InMemoryRetrieverProvider reference = new InMemoryRetrieverProvider();
    RetrieverProvider broken =
        new RetrieverProvider() {
          @Override
          public String name() {
            return "broken-writer";
          }

          @Override
          public Retriever open(ProviderConfig config) {
            return reference.open(config);
          }

          @Override
          public MemoryWriter openWriter(ProviderConfig config) {
            return wrap.apply(reference.openWriter(config));
          }
        };
    return new MemoryUnderTest(broken, ProviderConfig.of("test", Map.of("file", workDir.resolve("m.tsv").toString())));
  }

  /** Delegates everything; subclasses break one method. */
  abstract static class Wrapper implements MemoryWriter {
    final MemoryWriter delegate;

    Wrapper(MemoryWriter delegate) {
      this.delegate = delegate;
    }

    @Override
    public boolean add(ImageTextPair pair) {
      return delegate.add(pair);
    }

    @Override
    public void commit() {
      delegate.commit();
    }

    @Override
    public long count() {
      return delegate.count();
    }

    @Override
    public IngestReport report() {
      return delegate.report();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Skips duplicates but never reports them. */
  static final class ForgetsDuplicates extends Wrapper {
    ForgetsDuplicates(MemoryWriter d) {
      super(d);
    }

    @Override
    public IngestReport report() {
      IngestReport r = delegate.report();
      return new IngestReport(r.pairsAtOpen(), r.added(), 0, r.rejected(), r.pending());
    }
  }

  /** Throws when closed a second time, as a writer that closes its index twice would. */
  static final class ThrowsOnSecondClose extends Wrapper {
    private boolean closed;

    ThrowsOnSecondClose(MemoryWriter d) {
      super(d);
    }

    @Override
    public synchronized void close() {
      if (closed) {
        throw new IllegalStateException("already closed");
      }
      closed = true;
      delegate.close();
    }
  }

  /** Drops pairs with decoded pixels without a word: neither stored, nor refused, nor reported. */
  static final class DropsPixelsSilently extends Wrapper {
    DropsPixelsSilently(MemoryWriter d) {
      super(d);
    }

    @Override
    public boolean add(ImageTextPair pair) {
      if (pair != null && pair.image() instanceof dev.vimi.spi.ImageRef.OfPixels) {
        return false;
      }
      return delegate.add(pair);
    }
  }

  /** Says it can optimize, then cannot. */
  static final class ClaimsOptimize extends Wrapper {
    ClaimsOptimize(MemoryWriter d) {
      super(d);
    }

    @Override
    public boolean supportsOptimize() {
      return true;
    }
  }
}
