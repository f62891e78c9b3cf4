package dev.vimi.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Counts the pairs a {@link MemoryWriter} did not take, by reason, for its {@link IngestReport}: a
 * helper for writer implementations, so that every writer groups and bounds its rejections the same
 * way. Keeps at most {@link #MAX_REASONS} distinct reasons (later new reasons are counted under {@link
 * #OTHER_REASONS}) and {@link IngestReport#MAX_SAMPLE_IDS} ids per reason, so that its size does not
 * grow with the ingest.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use: {@link #record} may be called from the writer's
 * indexing threads or a store's callback threads while another thread takes a {@link #snapshot()}.
 */
public final class RejectionTally {
  /** Most distinct reasons kept. */
  public static final int MAX_REASONS = 64;

  /** The reason under which rejections are counted once {@link #MAX_REASONS} reasons are kept. */
  public static final String OTHER_REASONS = "other reasons";

  private static final class Entry {
    long count;
    final List<String> ids = new ArrayList<>();
  }

  private final Map<String, Entry> byReason = new LinkedHashMap<>();

  /**
   * Counts one pair the memory did not take.
   *
   * @param reason why, as a short phrase without the pair's id (pairs with the same reason are grouped)
   * @param id the pair's id
   */
  public synchronized void record(String reason, String id) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(id, "id");
    String key = reason.isBlank() ? "no reason given" : reason;
    if (!byReason.containsKey(key) && byReason.size() >= MAX_REASONS) {
      key = OTHER_REASONS;
    }
    Entry e = byReason.computeIfAbsent(key, k -> new Entry());
    e.count++;
    if (e.ids.size() < IngestReport.MAX_SAMPLE_IDS) {
      e.ids.add(id);
    }
  }

  /** Pairs counted so far, over all reasons. */
  public synchronized long total() {
    long n = 0;
    for (Entry e : byReason.values()) {
      n += e.count;
    }
    return n;
  }

  /** The rejections so far, in the order their reasons first occurred. */
  public synchronized List<IngestReport.Rejection> snapshot() {
    List<IngestReport.Rejection> out = new ArrayList<>(byReason.size());
    byReason.forEach((reason, e) -> out.add(new IngestReport.Rejection(reason, e.count, e.ids)));
    return List.copyOf(out);
  }
}
