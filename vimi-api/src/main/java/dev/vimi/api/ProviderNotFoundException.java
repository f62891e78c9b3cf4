package dev.vimi.api;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderLookup;
import java.io.Serial;
import java.util.List;

/**
 * A provider was asked for by a name that no provider on the module path (or class path) answers to.
 * The message lists the names that are present.
 */
public final class ProviderNotFoundException extends ConfigurationException {
  @Serial private static final long serialVersionUID = 1L;
  private final String kind;
  private final String requested;
  private final List<String> available;

  public ProviderNotFoundException(String kind, String requested, List<String> available) {
    super(ProviderLookup.notFoundMessage(kind, requested, available));
    this.kind = kind;
    this.requested = requested;
    this.available = List.copyOf(available);
  }

  /** The kind of provider, e.g. {@code "denoiser"}. */
  public String kind() {
    return kind;
  }

  public String requested() {
    return requested;
  }

  /** The names that are present, sorted. */
  public List<String> available() {
    return available;
  }
}
