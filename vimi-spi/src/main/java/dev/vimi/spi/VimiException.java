package dev.vimi.spi;

import java.io.Serial;

/**
 * Base of every exception vimi throws on purpose. Messages are written for the person who has to
 * fix the problem: they say what was wrong and, where possible, how to fix it.
 */
public class VimiException extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  public VimiException(String message) {
    super(message);
  }

  public VimiException(String message, Throwable cause) {
    super(message, cause);
  }
}
