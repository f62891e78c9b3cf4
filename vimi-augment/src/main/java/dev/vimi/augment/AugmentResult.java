package dev.vimi.augment;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What an augmentation run did. Immutable, and so safe to hand to other threads.
 *
 * @param output the augmented JSONL file
 * @param resumed records found complete in the output from an earlier run
 * @param written records written by this run
 * @param skipped malformed input records skipped (under the skip policy)
 * @param withoutHits records for which the retriever found nothing (written with an empty list)
 * @param elapsed wall time of this run
 */
public record AugmentResult(Path output, long resumed, long written, long skipped, long withoutHits, Duration elapsed) {
  /** Records per second written by this run. */
  public double recordsPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : written / s;
  }
}
