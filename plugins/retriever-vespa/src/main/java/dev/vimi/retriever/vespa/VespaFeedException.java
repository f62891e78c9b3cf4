package dev.vimi.retriever.vespa;

import dev.vimi.spi.BackendException;
import java.io.Serial;
import java.util.List;

/**
 * Pairs did not land in Vespa, or the feed was stopped (circuit breaker open, too many failures).
 * {@link #failures()} lists the pairs this exception reports, each with its reason; {@link #report()}
 * is the writer's whole account at the time.
 */
public final class VespaFeedException extends BackendException {
  @Serial private static final long serialVersionUID = 1L;
  private static final int LISTED = 10;

  private final transient FeedReport report;
  private final transient List<FeedReport.FailedPair> failures;

  public VespaFeedException(String headline, FeedReport report, List<FeedReport.FailedPair> failures) {
    super(message(headline, report, failures));
    this.report = report;
    this.failures = List.copyOf(failures);
  }

  /** The writer's account when this was thrown. */
  public FeedReport report() {
    return report;
  }

  /** The pairs this exception reports as not landed (all of them, not only those in the message). */
  public List<FeedReport.FailedPair> failures() {
    return failures;
  }

  private static String message(String headline, FeedReport report, List<FeedReport.FailedPair> failures) {
    StringBuilder sb = new StringBuilder(headline);
    if (!failures.isEmpty()) {
      sb.append("; ").append(failures.size()).append(failures.size() == 1 ? " pair" : " pairs").append(" did not land: ");
      for (int i = 0; i < Math.min(LISTED, failures.size()); i++) {
        FeedReport.FailedPair f = failures.get(i);
        sb.append(i == 0 ? "" : "; ").append('\'').append(f.id()).append("' (").append(f.reason()).append(')');
      }
      if (failures.size() > LISTED) {
        sb.append("; and ").append(failures.size() - LISTED).append(" more (see VespaFeedException.failures())");
      }
    }
    sb.append(". Feed so far: ").append(report.summary());
    return sb.toString();
  }
}
