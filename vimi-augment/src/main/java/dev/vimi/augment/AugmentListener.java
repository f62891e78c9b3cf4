package dev.vimi.augment;

/**
 * Receives the progress of a {@link DatasetAugmenter} run, on the thread that called {@link
 * DatasetAugmenter#run} (never on a worker thread), so an implementation used by one run at a time
 * needs no locking. Implementations must return quickly; the default methods ignore everything. An
 * exception thrown here stops the run, which leaves a resumable output.
 */
public interface AugmentListener {

  /**
   * Called once before the first new record.
   *
   * @param resumed records found complete in the output from an earlier run; they are not redone
   * @param inputBytes size of the input file
   */
  default void onStart(long resumed, long inputBytes) {}

  /** Called after each batch of records is written. */
  default void onProgress(AugmentProgress progress) {}
}
