package dev.vimi.sample.web;

/** Every generation slot and queue place is taken; answered with 429 and Retry-After. */
final class QueueFullException extends RuntimeException {
  private final long retryAfterSeconds;

  QueueFullException(int capacity, long retryAfterSeconds) {
    super("the server is busy: " + capacity + " generations are running or waiting; try again in about " + retryAfterSeconds + " s");
    this.retryAfterSeconds = retryAfterSeconds;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
