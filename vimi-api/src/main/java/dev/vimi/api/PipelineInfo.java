package dev.vimi.api;

import java.util.Objects;

/**
 * What a pipeline was composed of, for logs, health checks and metric tags. Immutable.
 *
 * @param model the model's name
 * @param denoiser the denoiser provider's name
 * @param device the denoiser's configured device ({@code "cpu"} when none is configured)
 * @param encoder the condition encoder provider's name
 * @param retriever the retriever provider's name, or {@code "none"}
 */
public record PipelineInfo(String model, String denoiser, String device, String encoder, String retriever) {
  public PipelineInfo {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(denoiser, "denoiser");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(retriever, "retriever");
  }

  /** Whether the pipeline retrieves (has a retriever). */
  public boolean retrieves() {
    return !retriever.equals("none");
  }
}
