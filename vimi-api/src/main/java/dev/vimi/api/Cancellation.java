package dev.vimi.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cancellation flag a caller hands to {@link VimiPipeline#generate}. Cancelling is cooperative: the
 * pipeline checks between network evaluations and then throws {@link GenerationCancelledException}.
 * Thread-safe; one token may cancel several generations.
 */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** Requests cancellation. Idempotent. */
  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** A token that is never cancelled. */
  public static Cancellation none() {
    return new Cancellation();
  }

  /** @throws GenerationCancelledException if cancellation was requested */
  public void check(String where) {
    if (cancelled.get()) {
      throw new GenerationCancelledException("generation cancelled " + where);
    }
  }
}
