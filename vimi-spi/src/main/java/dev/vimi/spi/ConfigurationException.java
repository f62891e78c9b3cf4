package dev.vimi.spi;

import java.io.Serial;

/** A configuration value is missing, malformed or out of range. The message names the key. */
public class ConfigurationException extends VimiException {
  @Serial private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
