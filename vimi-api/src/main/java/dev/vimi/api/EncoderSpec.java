package dev.vimi.api;

import java.util.Map;
import java.util.Objects;

/**
 * The condition encoder a model was trained with. Immutable.
 *
 * @param provider the encoder provider's name (e.g. {@code "mllm"})
 * @param settings the bundle's encoder settings; the pipeline hands them to that provider as the
 *     section of its {@link dev.vimi.spi.ProviderContext}, together with the bundle folder (never as
 *     configuration keys: the operator's keys stay the operator's)
 */
public record EncoderSpec(String provider, Map<String, String> settings) {
  public EncoderSpec {
    Objects.requireNonNull(provider, "provider");
    settings = Map.copyOf(Objects.requireNonNullElse(settings, Map.of()));
  }
}
