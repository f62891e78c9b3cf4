package dev.vimi.augment;

/**
 * A snapshot of an augmentation run. Immutable, and so safe to hand to other threads.
 *
 * @param resumed records that were already in the output when the run started
 * @param written records written by this run
 * @param skipped malformed input records skipped (under the skip policy)
 * @param bytesRead input bytes consumed (read-ahead included; compressed bytes for a {@code .gz} input)
 * @param totalBytes input size on disk
 */
public record AugmentProgress(long resumed, long written, long skipped, long bytesRead, long totalBytes) {
  /** Fraction of the input consumed, in [0, 1]. */
  public double fraction() {
    return totalBytes <= 0 ? 1.0 : Math.min(1.0, (double) bytesRead / totalBytes);
  }
}
