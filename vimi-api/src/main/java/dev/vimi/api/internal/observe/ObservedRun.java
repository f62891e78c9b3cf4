package dev.vimi.api.internal.observe;

import dev.vimi.api.GenerationResult;
import dev.vimi.api.ProgressListener;
import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.Retriever;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one generation under observation: wraps the pipeline's retriever, encoder, denoisers and the
 * caller's progress listener in decorators that time them and report to the generation's {@link
 * GenerationObservation}, then runs the generation's body on the wrappers. The pipeline calls this only
 * when it has an observer, so a pipeline without one runs its body on its own components, untouched.
 *
 * <p>Stateless; one call per generation.
 */
public final class ObservedRun {

  /** The generation itself, on the components it is given. */
  @FunctionalInterface
  public interface Body {
    GenerationResult run(ProgressListener listener, Retriever retriever, ConditionEncoder encoder, List<Denoiser> denoisers);
  }

  private ObservedRun() {}

  /**
   * Runs {@code body} on observed wrappers of the components, and reports start, success or error.
   * Wrappers do not close what they wrap: the pipeline owns the components.
   */
  public static GenerationResult run(
      GenerationObserver observer,
      GenerationContext context,
      ProgressListener listener,
      Retriever retriever,
      ConditionEncoder encoder,
      List<Denoiser> denoisers,
      Body body) {
    long start = System.nanoTime();
    GenerationObservation obs = SafeObservation.start(observer, context);
    List<Denoiser> observed = new ArrayList<>(denoisers.size());
    for (Denoiser d : denoisers) {
      observed.add(new ObservedDenoiser(d, obs));
    }
    GenerationResult result;
    try {
      result =
          body.run(
              new ObservedProgress(listener, obs),
              retriever == null ? null : new ObservedRetriever(retriever, obs),
              new ObservedEncoder(encoder, obs),
              List.copyOf(observed));
    } catch (RuntimeException | Error e) {
      obs.onError(e, System.nanoTime() - start);
      throw e;
    }
    obs.onSuccess(result, System.nanoTime() - start);
    return result;
  }
}
