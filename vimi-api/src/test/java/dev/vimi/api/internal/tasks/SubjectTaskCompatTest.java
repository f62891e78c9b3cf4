package dev.vimi.api.internal.tasks;

import dev.vimi.compat.TaskInstructionContractSuite;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import java.util.List;

class SubjectTaskCompatTest extends TaskInstructionContractSuite {
  @Override
  protected TaskInstruction createTask() {
    return PaperTask.SUBJECT;
  }
}
