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

  /** Commits and releases the memory. Idempotent. */
  @Override
  void close();
}
