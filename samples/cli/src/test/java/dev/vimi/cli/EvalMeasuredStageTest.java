package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.api.StageSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which stage of a cascade {@code vimi eval grounding} measures: the first at the evaluation set's 36x64. */
class EvalMeasuredStageTest {
  static StageSpec stage(String name, int h, int w) {
    return new StageSpec(name, 3, 16, h, w, 24f, OutputKind.EDM, 0.5, 0.002, 80, 7, 4, Guidance.constant(1.0), null, 8, 4, Map.of());
  }

  static ModelSpec model(StageSpec... stages) {
    return new ModelSpec("m", null, List.of(stages), null);
  }

  @Test
  void aBaseStageAtTheSetsSizeIsMeasuredItself() {
    assertThat(EvalCommand.Grounding.measuredStage(model(stage("base", 36, 64), stage("up", 72, 128)))).isZero();
  }

  @Test
  void aSmallerBaseIsMeasuredAfterTheStageThatBringsItTo36x64() {
    assertThat(EvalCommand.Grounding.measuredStage(model(stage("base", 18, 32), stage("sr", 36, 64), stage("up", 72, 128))))
        .isEqualTo(1);
  }

  @Test
  void aModelThatNeverReachesTheSetsSizeIsMeasuredAtItsLastStage() {
    assertThat(EvalCommand.Grounding.measuredStage(model(stage("base", 9, 16), stage("sr", 18, 32)))).isEqualTo(1);
  }
}
