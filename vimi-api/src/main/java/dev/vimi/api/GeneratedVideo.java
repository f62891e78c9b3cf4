package dev.vimi.api;

import dev.vimi.spi.Video;
import java.util.List;
import java.util.Objects;

/**
 * One of the videos a request produced (a request makes {@link GenerationRequest#count()} of them).
 * Immutable.
 *
 * @param seed the seed this video was sampled with; a request for this seed alone gives the same video
 * @param video the final stage's video, clamped to [-1, 1]
 * @param stageVideos every cascade stage's video, base first, each clamped to [-1, 1] (the clamped
 *     video of one stage is what conditions the next); the last equals {@code video}
 */
public record GeneratedVideo(long seed, Video video, List<Video> stageVideos) {
  public GeneratedVideo {
    Objects.requireNonNull(video, "video");
    stageVideos = List.copyOf(stageVideos);
  }
}
