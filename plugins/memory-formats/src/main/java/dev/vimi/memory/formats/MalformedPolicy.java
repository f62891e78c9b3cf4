package dev.vimi.memory.formats;

/** What a {@link PairReader} does with a record it cannot turn into an image-text pair. */
public enum MalformedPolicy {
  /** Stop reading: throw a {@link MalformedRecordException} that names the source and the line or entry. */
  FAIL,
  /**
   * Skip the record, count it by {@link SkipReason} (see {@link PairReader#counts()}) and log it at
   * WARN with its line or entry (the first {@value AbstractPairReader#LOGGED_SKIPS} skips of a
   * reader; the rest at DEBUG, and a summary when the reader closes).
   */
  SKIP
}
