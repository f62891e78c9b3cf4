package dev.vimi.spi;

/**
 * Adds image-text pairs to a memory. Writers are durable in batches: pairs added since the last
 * {@link #commit()} may be lost in a crash, pairs committed are not.
 *
 * <p>A pair whose id is already present is skipped (and counted), so that an interrupted ingest can
 * be resumed by adding everything again.
 *
 * <p><b>Thread-safety.</b> {@link #add} may be called from several threads; {@link #commit} and
 * {@link #close} must not race with each other. The caller owns the writer and closes it, which
 * commits.
 */
public interface MemoryWriter extends AutoCloseable {

  /**
   * Adds one pair.
   *
   * @return true if it was added, false if it was a duplicate and skipped
   */
  boolean add(ImageTextPair pair);

  /** Makes everything added so far durable and visible to newly opened retrievers. */
  void commit();

  /** Number of pairs the memory held when this writer opened plus those added since. */
  long count();

  /**
   * The last commit: what a crash now would keep.
   *
   * @param pairs pairs the memory held at that commit
   * @param time when it was made
   */
  record Commit(long pairs, java.time.Instant time) {
    public Commit {
      java.util.Objects.requireNonNull(time, "time");
    }
  }

  /**
   * The last commit this writer made or opened, for progress reports ("last commit: 1,200,000 pairs, 4 s
   * ago"); empty if there is none yet or the writer cannot tell. Cheap; safe to call from any thread.
   */
  default java.util.Optional<Commit> lastCommit() {
    return java.util.Optional.empty();
  }

  /** Commits and releases the memory. Idempotent. */
  @Override
  void close();
}
