package dev.vimi.api;

import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Video;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a generation produced. Immutable; owned by the caller.
 *
 * @param video the final stage's video; values in {@code [-1, 1]} (the pipeline clamps each stage's
 *     output), {@code -1} black and {@code 1} full intensity
 * @param stageVideos the video of every cascade stage, base first (the last equals {@code video}),
 *     each clamped to {@code [-1, 1]}; a later stage was conditioned on the clamped video before it
 * @param retrieved the image-text pairs retrieval found (empty when the task does not retrieve)
 * @param prompt the multimodal prompt the encoder saw
 * @param seed the seed used
 * @param elapsed wall time of the generation
 */
public record GenerationResult(
    Video video, List<Video> stageVideos, List<RetrievedItem> retrieved, MultimodalPrompt prompt, long seed, Duration elapsed) {
  public GenerationResult {
    Objects.requireNonNull(video, "video");
    stageVideos = List.copyOf(stageVideos);
    retrieved = List.copyOf(retrieved);
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(elapsed, "elapsed");
  }
}
