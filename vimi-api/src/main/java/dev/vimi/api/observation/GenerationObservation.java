package dev.vimi.api.observation;

import dev.vimi.api.GenerationResult;
import dev.vimi.spi.RetrievedItem;
import java.util.List;

/**
 * The events of one generation, in the order they happen:
 *
 * <ol>
 *   <li>{@link #onRetrieval} once, when the task retrieves and the pipeline has a retriever;
 *   <li>{@link #onEncoderCall} for the prompt ({@link EncoderCall#ENCODE}) and for the unconditional
 *       branch ({@link EncoderCall#EMPTY});
 *   <li>per cascade stage, base first: {@link #onStageStart}, then per sampler step the {@link
 *       #onDenoiserCall}s it made and {@link #onStep}, and {@link #onStageEnd} after the last step;
 *   <li>{@link #onSuccess} or {@link #onError} (cancellation included), exactly once.
 * </ol>
 *
 * A generation that fails stops its sequence where it failed and ends with {@link #onError}. All
 * durations are in nanoseconds of {@link System#nanoTime()}. Every method has an empty default, so an
 * implementation overrides only what it uses.
 *
 * <p><b>Thread-safety.</b> One instance serves one generation and is called on its generating thread
 * only. Calls are made between network evaluations: keep them quick and never block.
 */
public interface GenerationObservation {

  /** An observation that ignores every event. */
  GenerationObservation NONE = new GenerationObservation() {};

  /** Which encoder call an {@link #onEncoderCall} event timed. */
  enum EncoderCall {
    /** The conditioning of the multimodal prompt. */
    ENCODE,
    /** The empty conditioning of the unconditional branch of classifier-free guidance. */
    EMPTY
  }

  /**
   * The retriever answered.
   *
   * @param k the pairs asked for
   * @param hits the pairs it returned, best first (at most {@code k}; unmodifiable): a host can show
   *     them while the video is still being sampled, and a metric takes their count
   * @param nanos how long the retriever took
   */
  default void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {}

  /** The condition encoder answered one call, which took {@code nanos}. */
  default void onEncoderCall(EncoderCall call, long nanos) {}

  /**
   * A cascade stage starts sampling.
   *
   * @param stage the stage's name ({@code "base"}, {@code "upsampler"}, ...)
   * @param stageIndex its 0-based index
   * @param steps the sampler steps it will take
   */
  default void onStageStart(String stage, int stageIndex, int steps) {}

  /**
   * One network evaluation of a stage's denoiser returned.
   *
   * @param batch the batch of the call: 2 when the guided and unguided branches share one call
   */
  default void onDenoiserCall(String stage, int batch, long nanos) {}

  /**
   * A sampler step finished.
   *
   * @param step the 1-based step
   * @param nanos the step's time: its network evaluations and the sampler's arithmetic
   */
  default void onStep(String stage, int stageIndex, int step, long nanos) {}

  /** A stage finished its {@code steps} steps after {@code nanos}. */
  default void onStageEnd(String stage, int stageIndex, int steps, long nanos) {}

  /** The generation returned {@code result} after {@code nanos}. */
  default void onSuccess(GenerationResult result, long nanos) {}

  /**
   * The generation threw {@code error} after {@code nanos}: a bad request ({@link
   * dev.vimi.spi.InvalidInputException}), a cancellation ({@link
   * dev.vimi.api.GenerationCancelledException}) or a failure of a provider.
   */
  default void onError(Throwable error, long nanos) {}
}
