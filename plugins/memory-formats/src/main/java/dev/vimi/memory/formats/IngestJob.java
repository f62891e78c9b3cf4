package dev.vimi.memory.formats;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.VimiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pumps the pairs of a {@link PairReader} into any {@link MemoryWriter} with {@code threads} busy
 * threads (retrievers index concurrently): the calling thread reads and parses, hands batches to
 * {@code threads - 1} workers, and adds a batch itself whenever they are behind. Ends with a {@link
 * MemoryWriter#commit()}, so that everything read is durable when {@link #run} returns.
 *
 * <p>When the reader stops on a bad record (policy {@link MalformedPolicy#FAIL}), every pair read
 * before it is still added and committed, then the failure is thrown.
 *
 * <p>Resuming is the writer's business: writers skip ids they already hold, so running the same job
 * again after a crash adds only what the last commit lacked (counted as duplicates).
 *
 * <p><b>Thread-safety.</b> A job object is immutable and may run several times, also concurrently
 * on different readers and writers. {@link #run} blocks until the input is exhausted or a failure
 * stops it; it does not close the reader or the writer.
 */
public final class IngestJob {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);
  private static final int BATCH = 256;
  private static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /**
   * A snapshot of a running job.
   *
   * @param read pairs read from the input
   * @param added pairs the writer added
   * @param duplicates pairs the writer skipped as already present
   * @param rejected pairs the writer refused (under {@link MalformedPolicy#SKIP})
   * @param skipped records the reader skipped (under its own policy)
   * @param bytesRead input bytes consumed
   * @param totalBytes input size, or -1 if unknown
   * @param lastCommit the writer's last commit (what a crash now would keep), or null if it has none or cannot tell
   */
  public record Progress(
      long read, long added, long duplicates, long rejected, long skipped, long bytesRead, long totalBytes,
      MemoryWriter.Commit lastCommit) {
    /** Fraction of the input consumed in [0, 1], or -1 if the size is unknown. */
    public double fraction() {
      return totalBytes <= 0 ? -1 : Math.min(1.0, (double) bytesRead / totalBytes);
    }
  }

  /** Receives progress from the reading thread, about four times a second and once at the end. */
  @FunctionalInterface
  public interface Listener {
    void onProgress(Progress progress);
  }

  /**
   * What a job did.
   *
   * @param reader the reader's counts (pairs read, records skipped by reason)
   * @param added pairs added to the memory
   * @param duplicates pairs skipped because the memory held them already
   * @param rejected pairs the writer refused and that were skipped
   * @param elapsed wall time, commit included
   */
  public record Result(ReadCounts reader, long added, long duplicates, long rejected, Duration elapsed) {
    /** Pairs read per second of wall time. */
    public double pairsPerSecond() {
      double s = elapsed.toNanos() / 1e9;
      return s <= 0 ? 0 : reader.read() / s;
    }
  }

  private final int threads;
  private final MalformedPolicy onRejected;
  private final Listener listener;

  private IngestJob(int threads, MalformedPolicy onRejected, Listener listener) {
    this.threads = threads;
    this.onRejected = onRejected;
    this.listener = listener;
  }

  /**
   * A job.
   *
   * @param threads threads that call {@link MemoryWriter#add}, the calling thread included; 1 reads and
   *     adds on the calling thread only
   * @param onRejected what to do when the writer refuses a pair with an {@link InvalidInputException}
   *     (a caption over its limit, an image it cannot store): stop, or skip, count and log it
   * @param listener progress receiver, or null
   */
  public static IngestJob of(int threads, MalformedPolicy onRejected, Listener listener) {
    if (threads < 1 || threads > 256) {
      throw new ConfigurationException("ingest threads must be in [1, 256] but is " + threads);
    }
    return new IngestJob(threads, Objects.requireNonNull(onRejected, "onRejected"), listener);
  }

  /** Reads everything from {@code reader} into {@code writer} and commits. */
  public Result run(PairReader reader, MemoryWriter writer) {
    long start = System.nanoTime();
    Counters c = new Counters();
    try {
      if (threads == 1) {
        long lastReport = start;
        while (reader.hasNext()) {
          add(writer, reader.next(), c);
          c.read++;
          long now = System.nanoTime();
          if (listener != null && now - lastReport >= PROGRESS_NANOS) {
            lastReport = now;
            listener.onProgress(c.progress(reader, writer));
          }
        }
      } else {
        runParallel(reader, writer, c);
      }
    } catch (RuntimeException | Error e) {
      try {
        writer.commit(); // keep what was added before the failure
      } catch (RuntimeException commitFailure) {
        e.addSuppressed(commitFailure);
      }
      throw e;
    }
    writer.commit();
    if (listener != null) {
      listener.onProgress(c.progress(reader, writer));
    }
    return new Result(reader.counts(), c.added.get(), c.duplicates.get(), c.rejected.get(), Duration.ofNanos(System.nanoTime() - start));
  }

  private void runParallel(PairReader reader, MemoryWriter writer, Counters c) {
    // threads - 1 workers; the reading thread is the last one: when the workers are behind (the queue
    // is full) it adds a batch itself instead of waiting, so that exactly `threads` threads are busy
    int workerCount = threads - 1;
    BlockingQueue<List<ImageTextPair>> queue = new ArrayBlockingQueue<>(workerCount * 2);
    List<ImageTextPair> end = List.of();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < workerCount; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  while (true) {
                    List<ImageTextPair> batch = queue.take();
                    if (batch == end) {
                      return;
                    }
                    for (ImageTextPair p : batch) {
                      add(writer, p, c);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "vimi-ingest-" + t);
      w.setDaemon(true);
      w.start();
      workers.add(w);
    }
    long lastReport = System.nanoTime();
    List<ImageTextPair> batch = new ArrayList<>(BATCH);
    boolean reading = false;
    try {
      while (failure.get() == null) {
        reading = true;
        if (!reader.hasNext()) {
          break;
        }
        batch.add(reader.next());
        reading = false;
        c.read++;
        if (batch.size() == BATCH) {
          if (!queue.offer(batch)) {
            addAll(writer, batch, c);
          }
          batch = new ArrayList<>(BATCH);
          long now = System.nanoTime();
          if (listener != null && now - lastReport >= PROGRESS_NANOS) {
            lastReport = now;
            listener.onProgress(c.progress(reader, writer));
          }
        }
      }
      reading = false;
      if (failure.get() == null) {
        addAll(writer, batch, c);
      }
    } catch (RuntimeException e) {
      // a bad record stops the job, but everything read before it is still added (a rerun then
      // continues where this one stopped)
      if (reading && failure.get() == null) {
        try {
          addAll(writer, batch, c);
        } catch (RuntimeException second) {
          e.addSuppressed(second);
        }
      }
      failure.compareAndSet(null, e);
    } finally {
      for (int t = 0; t < workerCount; t++) {
        try {
          while (failure.get() == null && !queue.offer(end, 100, TimeUnit.MILLISECONDS)) {
            // behind every pending batch; a worker that fails meanwhile ends the wait
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, e);
        }
        if (failure.get() != null) {
          while (!queue.offer(end)) {
            queue.poll(); // failed: drop pending work so that every worker sees the end
          }
        }
      }
      for (Thread w : workers) {
        try {
          w.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failure.compareAndSet(null, e);
        }
      }
    }
    Throwable f = failure.get();
    if (f instanceof RuntimeException re) {
      throw re;
    }
    if (f instanceof Error err) {
      throw err;
    }
    if (f != null) {
      throw new VimiException("ingest was interrupted", f);
    }
  }

  private void addAll(MemoryWriter writer, List<ImageTextPair> batch, Counters c) {
    for (ImageTextPair p : batch) {
      add(writer, p, c);
    }
  }

  private void add(MemoryWriter writer, ImageTextPair p, Counters c) {
    try {
      if (writer.add(p)) {
        c.added.incrementAndGet();
      } else {
        c.duplicates.incrementAndGet();
      }
    } catch (InvalidInputException e) {
      if (onRejected == MalformedPolicy.FAIL) {
        throw new InvalidInputException(e.field(), "the memory refused pair '" + p.id() + "': " + e.getMessage(), e);
      }
      long n = c.rejected.incrementAndGet();
      if (n <= AbstractPairReader.LOGGED_SKIPS) {
        LOG.warn("skipped pair '{}': the memory refused it: {}", p.id(), e.getMessage());
      } else {
        LOG.debug("skipped pair '{}': the memory refused it: {}", p.id(), e.getMessage());
      }
    }
  }

  private static final class Counters {
    long read; // reading thread only
    final AtomicLong added = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();

    Progress progress(PairReader r, MemoryWriter w) {
      return new Progress(
          read, added.get(), duplicates.get(), rejected.get(), r.counts().skipped(), r.bytesRead(), r.totalBytes(),
          w.lastCommit().orElse(null));
    }
  }
}
