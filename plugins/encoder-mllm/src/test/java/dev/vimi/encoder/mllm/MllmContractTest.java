package dev.vimi.encoder.mllm;

import dev.vimi.compat.ConditionEncoderContractSuite;
import dev.vimi.spi.ConditionEncoder;

/** The condition-encoder contract with the real MiniLM (late fusion) and the exported vision graphs. */
class MllmContractTest extends ConditionEncoderContractSuite {
  @Override
  protected ConditionEncoder createEncoder() {
    return TestModels.create(TestModels.late());
  }
}
