package dev.vimi.api.internal.tasks;

import dev.vimi.compat.TaskInstructionContractSuite;
import dev.vimi.spi.TaskInstruction;

/** The paper task passes the task contract with the input it declares in accepts(). */
class T2vTaskCompatTest extends TaskInstructionContractSuite {
  @Override
  protected TaskInstruction createTask() {
    return PaperTask.T2V;
  }
}
