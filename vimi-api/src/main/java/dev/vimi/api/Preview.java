package dev.vimi.api;

import dev.vimi.spi.Video;
import java.util.List;

/**
 * The sampler's current denoised estimate {@code D(x; sigma)} during a stage, handed to a {@link
 * ProgressListener} that asked for previews. Immutable; the videos are copies owned by the listener.
 *
 * @param stage the cascade stage's name
 * @param stageIndex the stage's 0-based index
 * @param step steps completed in this stage
 * @param totalSteps steps of this stage
 * @param clip the 0-based clip of a long video (0 otherwise)
 * @param videos one video per requested item, at the stage's size, clamped to [-1, 1]
 */
public record Preview(String stage, int stageIndex, int step, int totalSteps, int clip, List<Video> videos) {
  public Preview {
    videos = List.copyOf(videos);
  }
}
