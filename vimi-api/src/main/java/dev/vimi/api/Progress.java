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
 */
public record Progress(Phase phase, String stage, int stageIndex, int stageCount, int step, int totalSteps) {

  /** The phases of a generation, in order. */
  public enum Phase {
    RETRIEVING,
    ENCODING,
    SAMPLING,
    DONE
  }
}
