package dev.vimi.api.internal.tasks;

import dev.vimi.compat.TaskInstructionContractSuite;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import java.util.List;

class T2vTaskCompatTest extends TaskInstructionContractSuite {
  @Override
  protected TaskInstruction createTask() {
    return PaperTask.T2V;
  }

  @Override
  protected TaskInput sampleInput() {
    return new TaskInput(List.of(PromptSegment.text("a parrot flies over the sea")), null);
  }
}
