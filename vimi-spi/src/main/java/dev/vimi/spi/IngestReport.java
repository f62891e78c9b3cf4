package dev.vimi.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link MemoryWriter} has done since it opened. Every pair handed to {@link
 * MemoryWriter#add} is in exactly one of {@code added}, {@code duplicates}, {@code rejected} or
 * {@code pending}, so that nothing is lost without a trace. Immutable.
 *
 * @param pairsAtOpen pairs the memory held when the writer opened (from an earlier ingest), or -1 if
 *     the writer cannot tell
 * @param added pairs this writer put into the memory (for a writer that stores asynchronously: that
 *     the store acknowledged)
 * @param duplicates pairs skipped because a pair with the same id was already in the memory or added
 *     earlier by this writer
 * @param rejected pairs the memory did not take for any other reason, grouped by reason: refused by
 *     {@link MemoryWriter#add} with an {@link InvalidInputException}, skipped by the memory's own
 *     policy (e.g. a caption that duplicates an earlier pair's), or failed later in an asynchronous
 *     store; in the order the reasons first occurred
 * @param pending pairs handed to an asynchronous store and not answered yet; 0 after a {@link
 *     MemoryWriter#commit()} that returned normally
 */
public record IngestReport(long pairsAtOpen, long added, long duplicates, List<Rejection> rejected, long pending) {

  /** Most ids a {@link Rejection} keeps as examples; the count covers them all. */
  public static final int MAX_SAMPLE_IDS = 20;

  public IngestReport {
    if (pairsAtOpen < -1 || added < 0 || duplicates < 0 || pending < 0) {
      throw new IllegalArgumentException(
          "counts must not be negative (pairsAtOpen may be -1 for unknown): pairsAtOpen=" + pairsAtOpen + ", added=" + added
              + ", duplicates=" + duplicates + ", pending=" + pending);
    }
    rejected = List.copyOf(rejected);
  }

  /**
   * The pairs the memory did not take for one reason.
   *
   * @param reason why, as a short phrase that reads as a heading, e.g. {@code "duplicate captions"} or
   *     the store's error message
   * @param count how many pairs
   * @param sampleIds the ids of the first of them, at most {@link #MAX_SAMPLE_IDS}
   */
  public record Rejection(String reason, long count, List<String> sampleIds) {
    public Rejection {
      Objects.requireNonNull(reason, "reason");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("a rejection needs a reason");
      }
      if (count < 1) {
        throw new IllegalArgumentException("a rejection counts at least one pair but counts " + count);
      }
      sampleIds = List.copyOf(sampleIds);
      if (sampleIds.size() > Math.min(count, MAX_SAMPLE_IDS)) {
        throw new IllegalArgumentException(
            "a rejection of " + count + " pairs keeps at most " + Math.min(count, MAX_SAMPLE_IDS) + " sample ids, not " + sampleIds.size());
      }
    }
  }

  /** Nothing done yet, on a memory that held {@code pairsAtOpen} pairs (-1: unknown). */
  public static IngestReport atOpen(long pairsAtOpen) {
    return new IngestReport(pairsAtOpen, 0, 0, List.of(), 0);
  }

  /** Pairs the memory did not take, over all reasons. */
  public long rejectedCount() {
    long n = 0;
    for (Rejection r : rejected) {
      n += r.count();
    }
    return n;
  }

  /** Pairs handed to the writer: added, duplicates, rejected and pending together. */
  public long handled() {
    return added + duplicates + rejectedCount() + pending;
  }

  /** One line such as {@code "120 added, 3 duplicates, 1 rejected (duplicate captions: 1)"}. */
  public String summary() {
    StringBuilder sb = new StringBuilder().append(added).append(" added, ").append(duplicates).append(" duplicates, ");
    sb.append(rejectedCount()).append(" rejected");
    if (!rejected.isEmpty()) {
      sb.append(" (");
      for (int i = 0; i < rejected.size(); i++) {
        sb.append(i == 0 ? "" : "; ").append(rejected.get(i).reason()).append(": ").append(rejected.get(i).count());
      }
      sb.append(')');
    }
    if (pending > 0) {
      sb.append(", ").append(pending).append(" pending");
    }
    return sb.toString();
  }
}
