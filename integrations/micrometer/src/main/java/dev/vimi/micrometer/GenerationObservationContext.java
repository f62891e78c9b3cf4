package dev.vimi.micrometer;

import dev.vimi.api.GenerationResult;
import dev.vimi.api.observation.GenerationContext;
import io.micrometer.observation.Observation;
import java.util.Objects;

/**
 * The {@link Observation.Context} of one generation: what is generated, and at the end how it went.
 * Conventions and handlers read it; it holds the request (with the prompt) so that a handler the host
 * writes can log it, but no convention of this module turns the prompt into a key value. Mutated only
 * by the generating thread.
 */
public class GenerationObservationContext extends Observation.Context {
  private final GenerationContext generation;
  private String outcome;
  private GenerationResult result;

  public GenerationObservationContext(GenerationContext generation) {
    this.generation = Objects.requireNonNull(generation, "generation");
  }

  /** What is generated. */
  public GenerationContext generation() {
    return generation;
  }

  /** {@code success}, {@code cancelled} or {@code error} once the generation ended; null before. */
  public String outcome() {
    return outcome;
  }

  /** The result, once a generation succeeded; null otherwise. */
  public GenerationResult result() {
    return result;
  }

  void ended(String outcome, GenerationResult result) {
    this.outcome = outcome;
    this.result = result;
  }
}
