package dev.vimi.retriever.vespa.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for retried queries. Immutable and thread-safe.
 *
 * <p>The delay before retry {@code n} (1-based) is drawn uniformly from {@code [d/2, d]} with {@code
 * d = min(maxBackoff, initialBackoff * 2^(n-1))} ("equal jitter"): clients that failed together do
 * not come back together, and no retry comes back sooner than half the nominal delay. A {@code
 * Retry-After} header from the server raises the delay to at least what it asks, capped at {@code
 * maxBackoff}.
 *
 * @param maxAttempts attempts in total, the first included; 1 means no retry
 * @param initialBackoff nominal delay before the first retry
 * @param maxBackoff upper bound of any delay
 */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /** The delay before retry number {@code retry} (1 for the first retry). */
  Duration delay(int retry, Duration retryAfter) {
    long initial = initialBackoff.toMillis();
    long max = maxBackoff.toMillis();
    int shift = Math.min(Math.max(retry - 1, 0), 30);
    long nominal = Math.min(max, initial << shift);
    if (nominal < 0) {
      nominal = max;
    }
    long low = nominal / 2;
    long millis = low + ThreadLocalRandom.current().nextLong(nominal - low + 1);
    if (retryAfter != null && retryAfter.toMillis() > millis) {
      millis = Math.min(max, retryAfter.toMillis());
    }
    return Duration.ofMillis(millis);
  }
}
