package dev.vimi.api.observation;

import dev.vimi.api.GenerationRequest;
import java.util.Objects;

/**
 * What a generation is about to run: the low-cardinality facts that suit metric tags, and the request.
 * Immutable.
 *
 * @param task the task's name if the pipeline knows it, else {@code "unknown"} (so that a caller's
 *     typo never becomes a new tag value)
 * @param model the model's name
 * @param denoiser the denoiser provider's name
 * @param device the denoiser's configured device ({@code "cpu"} when none is configured)
 * @param encoder the condition encoder provider's name
 * @param retriever the retriever provider's name, or {@code "none"}
 * @param request the request, prompt included: never a tag (prompts are unbounded and may be
 *     private); log it only where the host opted in
 */
public record GenerationContext(
    String task, String model, String denoiser, String device, String encoder, String retriever, GenerationRequest request) {
  public GenerationContext {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(denoiser, "denoiser");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(retriever, "retriever");
    Objects.requireNonNull(request, "request");
  }

  @Override
  public String toString() {
    // the request (and so the prompt) is left out on purpose: contexts end up in logs
    return "GenerationContext[task=" + task + ", model=" + model + ", denoiser=" + denoiser + ", device=" + device
        + ", encoder=" + encoder + ", retriever=" + retriever + "]";
  }
}
