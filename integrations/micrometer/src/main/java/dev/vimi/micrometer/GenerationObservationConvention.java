package dev.vimi.micrometer;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of the generation {@code Observation}. Implement it (or extend {@link
 * DefaultGenerationObservationConvention}) to change them; keep prompts out of key values.
 */
public interface GenerationObservationConvention extends ObservationConvention<GenerationObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof GenerationObservationContext;
  }
}
