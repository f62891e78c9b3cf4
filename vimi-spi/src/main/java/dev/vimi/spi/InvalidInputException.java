package dev.vimi.spi;

import java.io.Serial;
import java.util.Objects;

/**
 * An input (a request field, a prompt, an image, a tensor handed across the SPI) is not acceptable.
 * {@link #field()} names the offending field so that callers can map the error back to their own
 * form or command line option.
 */
public class InvalidInputException extends VimiException {
  @Serial private static final long serialVersionUID = 1L;
  private final String field;

  public InvalidInputException(String field, String message) {
    super(field + ": " + message);
    this.field = Objects.requireNonNull(field, "field");
  }

  public InvalidInputException(String field, String message, Throwable cause) {
    super(field + ": " + message, cause);
    this.field = Objects.requireNonNull(field, "field");
  }

  /** The name of the field that was rejected, e.g. {@code "frames"} or {@code "guidance"}. */
  public String field() {
    return field;
  }
}
