package dev.vimi.compat;

import java.io.Serial;
import java.util.Objects;

/**
 * A provider broke a promise of its contract. The message starts with the promise, then says what
 * was seen, then how to reproduce it: the seed for data-dependent checks, or a note that a race does
 * not follow the seed.
 */
public final class BrokenPromiseError extends AssertionError {
  @Serial private static final long serialVersionUID = 1L;
  private final String checkId;
  private final String promise;

  BrokenPromiseError(Check check, long seed, Throwable cause) {
    super(message(check, seed, cause), cause);
    this.checkId = check.id();
    this.promise = check.promise();
  }

  private static String message(Check check, long seed, Throwable cause) {
    StringBuilder sb = new StringBuilder("Broken promise: ").append(check.promise()).append('\n');
    String detail = cause instanceof AssertionError ? Objects.toString(cause.getMessage(), cause.toString()) : "the provider threw " + cause;
    sb.append(detail.strip()).append('\n');
    if (check.race()) {
      sb.append(
          "This is a race between threads: it does not follow the seed, and a rerun may pass. Make the provider safe"
              + " for concurrent use, as its SPI interface requires (no shared mutable state, or guard it).");
    } else {
      sb.append("Seed ").append(seed).append(": reproduce with -Dvimi.compat.seed=").append(seed);
    }
    return sb.toString();
  }

  /** The id of the check (the suite's test method) that failed. */
  public String checkId() {
    return checkId;
  }

  /** The promise that was broken. */
  public String promise() {
    return promise;
  }
}
