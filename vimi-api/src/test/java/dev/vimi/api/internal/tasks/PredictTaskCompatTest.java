package dev.vimi.api.internal.tasks;

import dev.vimi.compat.TaskInstructionContractSuite;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import java.util.List;

class PredictTaskCompatTest extends TaskInstructionContractSuite {
  @Override
  protected TaskInstruction createTask() {
    return PaperTask.PREDICT;
  }

  @Override
  protected TaskInput sampleInput() {
    return new TaskInput(List.of(PromptSegment.text("a ball rolls to the right")), ImageRef.ofBytes(new byte[] {1, 2, 3}));
  }
}
