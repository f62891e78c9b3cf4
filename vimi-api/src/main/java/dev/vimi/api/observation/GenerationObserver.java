package dev.vimi.api.observation;

/**
 * Watches the generations of a pipeline: timing of every phase, retrieval hits, and every encoder and
 * denoiser call. Register one (or several) with {@link dev.vimi.api.VimiPipeline.Builder#observer}; a
 * pipeline without an observer does no observation work at all: no wrapper, no clock read, no
 * allocation.
 *
 * <p>The pipeline calls {@link #start} once per generation, on the generating thread, before it checks
 * the request, and then reports that generation's events to the {@link GenerationObservation}
 * returned. Exactly one of {@link GenerationObservation#onSuccess} and {@link
 * GenerationObservation#onError} ends every observation that was started.
 *
 * <p><b>Thread-safety.</b> A pipeline is called from many threads at once, so {@link #start} must be
 * thread-safe; each returned observation is used by one generation, on its thread, and need not be.
 * <b>Failures.</b> An exception thrown by an observer or an observation is logged and otherwise
 * ignored: observing never changes what a generation returns or throws.
 */
@FunctionalInterface
public interface GenerationObserver {

  /**
   * A generation starts.
   *
   * @param context what is generated, with what; its low-cardinality fields may become metric tags,
   *     its request (and so the prompt) must not
   * @return the observation of this generation; {@link GenerationObservation#NONE} to skip it
   */
  GenerationObservation start(GenerationContext context);
}
