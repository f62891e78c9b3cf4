package dev.vimi.encoder.mllm;

import dev.vimi.compat.ConditionEncoderContractSuite;
import dev.vimi.spi.ConditionEncoder;

/** The condition-encoder contract with early fusion (the exported toy LM taking inputs_embeds). */
class MllmEarlyContractTest extends ConditionEncoderContractSuite {
  @Override
  protected ConditionEncoder createEncoder() {
    return TestModels.create(TestModels.early());
  }
}
