package dev.vimi.api;

import dev.vimi.spi.InvalidInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the runtime must know about a model: its cascade stages and its condition encoder.
 * Usually produced by {@link dev.vimi.api.model.ModelBundle} from a {@code vimi-model.json}; can be
 * built in code for tests and custom deployments. Immutable.
 *
 * @param name the model's name, for logs
 * @param directory the bundle folder, or null when the model was described in code
 * @param stages the cascade, base stage first; at least one
 * @param encoder the encoder the model was trained with, or null if the deployment chooses
 */
public record ModelSpec(String name, Path directory, List<StageSpec> stages, EncoderSpec encoder) {
  public ModelSpec {
    Objects.requireNonNull(name, "name");
    stages = List.copyOf(Objects.requireNonNull(stages, "stages"));
    if (stages.isEmpty()) {
      throw new InvalidInputException("stages", "model '" + name + "' needs at least one stage");
    }
    for (int i = 1; i < stages.size(); i++) {
      StageSpec prev = stages.get(i - 1);
      StageSpec s = stages.get(i);
      if (s.channels() != prev.channels()) {
        throw new InvalidInputException(
            "stages[" + i + "].channels", "must equal the previous stage's " + prev.channels() + " but is " + s.channels());
      }
      if (s.conditioningLength() != stages.get(0).conditioningLength()
          || s.conditioningDim() != stages.get(0).conditioningDim()) {
        throw new InvalidInputException(
            "stages[" + i + "].conditioning", "all stages share one conditioning; its shape must match stage 0");
      }
    }
  }

  /** The last stage, whose size is the size of the generated video. */
  public StageSpec finalStage() {
    return stages.get(stages.size() - 1);
  }
}
