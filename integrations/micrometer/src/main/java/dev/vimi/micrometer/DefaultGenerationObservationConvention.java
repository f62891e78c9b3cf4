package dev.vimi.micrometer;

import dev.vimi.api.observation.GenerationContext;
import io.micrometer.common.KeyValues;

/**
 * The default convention: name {@value VimiMetrics#GENERATION}, contextual name {@code "vimi <task>"},
 * low-cardinality key values task, model, denoiser, device and, once ended, outcome; no
 * high-cardinality key values (the prompt is never one). Stateless and thread-safe.
 */
public class DefaultGenerationObservationConvention implements GenerationObservationConvention {

  /** The shared instance. */
  public static final DefaultGenerationObservationConvention INSTANCE = new DefaultGenerationObservationConvention();

  @Override
  public String getName() {
    return VimiMetrics.GENERATION;
  }

  @Override
  public String getContextualName(GenerationObservationContext context) {
    return "vimi " + context.generation().task();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(GenerationObservationContext context) {
    GenerationContext g = context.generation();
    KeyValues kv =
        KeyValues.of(
            VimiMetrics.TAG_TASK, g.task(),
            VimiMetrics.TAG_MODEL, g.model(),
            VimiMetrics.TAG_DENOISER, g.denoiser(),
            VimiMetrics.TAG_DEVICE, g.device());
    return context.outcome() == null ? kv : kv.and(VimiMetrics.TAG_OUTCOME, context.outcome());
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(GenerationObservationContext context) {
    return KeyValues.empty();
  }
}
