package dev.vimi.api;

/**
 * Where a generation stands.
 *
 * @param phase what is happening
 * @param stage the cascade stage's name during sampling, otherwise the phase's name
 * @param stageIndex 0-based index of the stage (0 outside sampling)
 * @param stageCount number of stages
 * @param step steps completed in this stage
 * @param totalSteps steps of this stage
 * @param clip 0-based clip of a long video ({@link GenerationRequest#frames()} beyond the model's
 *     clip length); 0 otherwise
 * @param clipCount clips the video is made of; 1 unless it is a long video
 */
public record Progress(Phase phase, String stage, int stageIndex, int stageCount, int step, int totalSteps, int clip, int clipCount) {

  /** Progress of a video made in one clip. */
  public Progress(Phase phase, String stage, int stageIndex, int stageCount, int step, int totalSteps) {
    this(phase, stage, stageIndex, stageCount, step, totalSteps, 0, 1);
  }

  /** The phases of a generation, in order. */
  public enum Phase {
    RETRIEVING,
    ENCODING,
    SAMPLING,
    DONE
  }
}
