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
 * <p>Every stage's output is clamped to [-1, 1], and the clamped video is what the next stage is
 * conditioned on; {@code stageVideos} holds these clamped videos.
 *
 * @param video the final stage's video (of the first item when the request asked for several); values
 *     in {@code [-1, 1]}, {@code -1} black and {@code 1} full intensity
 * @param stageVideos the video of every cascade stage, base first (the last equals {@code video}),
 *     each clamped to {@code [-1, 1]}; for a long video each stage's clips are joined as the final
 *     video's are
 * @param retrieved the image-text pairs retrieval found (empty when the task does not retrieve)
 * @param prompt the multimodal prompt the encoder saw
 * @param seed the seed of the first item
 * @param elapsed wall time of the generation
 * @param videos every item's video, in request order ({@link GenerationRequest#count()} of them); the
 *     first holds {@code video} and {@code stageVideos}
 */
public record GenerationResult(
    Video video,
    List<Video> stageVideos,
    List<RetrievedItem> retrieved,
    MultimodalPrompt prompt,
    long seed,
    Duration elapsed,
    List<GeneratedVideo> videos) {
  public GenerationResult {
    Objects.requireNonNull(video, "video");
    stageVideos = List.copyOf(stageVideos);
    retrieved = List.copyOf(retrieved);
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(elapsed, "elapsed");
    videos = videos == null || videos.isEmpty() ? List.of(new GeneratedVideo(seed, video, stageVideos)) : List.copyOf(videos);
  }

  /** A result of one video. */
  public GenerationResult(
      Video video, List<Video> stageVideos, List<RetrievedItem> retrieved, MultimodalPrompt prompt, long seed, Duration elapsed) {
    this(video, stageVideos, retrieved, prompt, seed, elapsed, null);
  }
}
