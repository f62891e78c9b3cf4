package dev.vimi.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Adds image-text pairs to a memory. Writers are durable in batches: pairs added since the last
 * {@link #commit()} may be lost in a crash, pairs committed are not.
 *
 * <p><b>Contract</b> (checked by {@code dev.vimi.compat.MemoryWriterContractSuite}). A pair whose id
 * is already present (committed, or added earlier by this writer) is skipped and counted in {@link
 * #report()} as a duplicate, so that an interrupted ingest can be resumed by adding everything again.
 * A pair the memory cannot take is refused by {@link #add} with an {@link InvalidInputException} that
 * names the pair's id, and counted as rejected; the writer stays usable. After {@link #commit()}
 * returns, every pair that was added is seen by writers and retrievers opened on the memory
 * afterwards. {@link #close()} commits and is idempotent.
 *
 * <p><b>Thread-safety.</b> {@link #add} may be called from several threads; {@link #commit}, {@link
 * #optimize} and {@link #close} must not race with each other. {@link #count}, {@link #report} and
 * {@link #lastCommit} are safe to call from any thread at any time, also after {@link #close}.
 * <b>Ownership.</b> The caller owns the writer and closes it, which commits.
 */
public interface MemoryWriter extends AutoCloseable {

  /**
   * Adds one pair.
   *
   * @return true if the pair was added or (for a writer that stores asynchronously) handed to the
   *     store; false if the writer skipped it at once (a duplicate id, or the memory's own policy). Either
   *     way {@link #report()} tells where it ended up.
   * @throws InvalidInputException if the memory cannot take the pair (an image it cannot store, a caption
   *     over its limit); the message names the pair's id, and the pair counts as rejected
   * @throws NullPointerException if {@code pair} is null
   * @throws IllegalStateException if the writer is closed
   */
  boolean add(ImageTextPair pair);

  /**
   * Makes everything added so far durable and visible to newly opened retrievers and writers. Blocks
   * until it is; a writer that stores asynchronously waits for every pending pair to be answered.
   */
  void commit();

  /** Number of pairs the memory held when this writer opened plus those added since. */
  long count();

  /**
   * What this writer has done so far: pairs added, duplicates skipped, pairs rejected with their
   * reasons, pairs still pending. Cheap; safe to call from any thread, also after {@link #close()}
   * (then it is the final account).
   */
  IngestReport report();

  /**
   * Whether {@link #optimize()} does something for this memory. A capability: writers of memories that
   * have nothing to reorganise keep the default, false.
   */
  default boolean supportsOptimize() {
    return false;
  }

  /**
   * Reorganises the memory for faster searches (the Lucene memory merges its segments into one) and
   * commits. Worth it for a memory that is built once and then searched many times. Blocks until done;
   * may take long on a large memory.
   *
   * @throws UnsupportedOperationException if {@link #supportsOptimize()} is false
   */
  default void optimize() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot optimize its memory (supportsOptimize() is false); leave out the optimize step");
  }

  /**
   * The last commit: what a crash now would keep.
   *
   * @param pairs pairs the memory held at that commit
   * @param time when it was made
   */
  record Commit(long pairs, Instant time) {
    public Commit {
      Objects.requireNonNull(time, "time");
    }
  }

  /**
   * The last commit this writer made or opened, for progress reports ("last commit: 1,200,000 pairs, 4 s
   * ago"); empty if there is none yet or the writer cannot tell. Cheap; safe to call from any thread.
   */
  default Optional<Commit> lastCommit() {
    return Optional.empty();
  }

  /** Commits and releases the memory. Idempotent: a second call does nothing. */
  @Override
  void close();
}
