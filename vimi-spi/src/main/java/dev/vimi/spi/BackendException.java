package dev.vimi.spi;

import java.io.Serial;

/**
 * A provider failed while doing its work: a graph did not load, a network evaluation returned the
 * wrong shape or non-finite values, a remote service answered with an error.
 */
public class BackendException extends VimiException {
  @Serial private static final long serialVersionUID = 1L;

  public BackendException(String message) {
    super(message);
  }

  public BackendException(String message, Throwable cause) {
    super(message, cause);
  }
}
