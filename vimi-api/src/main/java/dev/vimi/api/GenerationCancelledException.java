package dev.vimi.api;

import dev.vimi.spi.VimiException;
import java.io.Serial;

/** A generation stopped because its {@link Cancellation} was cancelled. */
public final class GenerationCancelledException extends VimiException {
  @Serial private static final long serialVersionUID = 1L;

  public GenerationCancelledException(String message) {
    super(message);
  }
}
