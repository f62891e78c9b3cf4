package dev.vimi.retriever.vespa;

import dev.vimi.retriever.vespa.internal.VespaMemoryWriter;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link VespaMemoryWriter} has done so far: every pair handed to it ends up in exactly one of
 * {@code landed}, {@code duplicates}, {@code failed} or (until the next commit) {@code pending}, so
 * nothing is lost without a trace. Immutable.
 *
 * @param submitted pairs handed to the feed
 * @param landed pairs Vespa acknowledged as written (durable and searchable)
 * @param duplicates pairs skipped because a document with the same id was already in the memory. This
 *     includes the rare pair whose first write landed but whose acknowledgement was lost with a dropped
 *     connection: its retry finds the document. Either way the pair is in the memory.
 * @param pending pairs sent and not yet answered
 * @param failed pairs that did not land, each with Vespa's (or the transport's) reason
 * @param breakerOpen whether the circuit breaker has opened and stopped the feed
 */
public record FeedReport(
    long submitted, long landed, long duplicates, long pending, List<FailedPair> failed, boolean breakerOpen) {

  public FeedReport {
    failed = List.copyOf(failed);
  }

  /**
   * A pair that did not land.
   *
   * @param id the pair's id
   * @param reason why, as Vespa or the transport said it
   */
  public record FailedPair(String id, String reason) {
    public FailedPair {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** One line such as {@code "1000 submitted: 990 landed, 5 duplicates skipped, 5 failed"}. */
  public String summary() {
    return submitted
        + " submitted: "
        + landed
        + " landed, "
        + duplicates
        + " duplicates skipped, "
        + failed.size()
        + " failed"
        + (pending > 0 ? ", " + pending + " pending" : "")
        + (breakerOpen ? " (circuit breaker open: feed stopped)" : "");
  }
}
