package dev.vimi.compat;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link TaskInstruction} must pass. Extend it, implement {@link #createTask()},
 * and override {@link #sampleInput()} if the task needs a particular input (the default is a text
 * prompt with one interleaved image and no first frame).
 */
public abstract class TaskInstructionContractSuite {

  /** Creates the task under test. */
  protected abstract TaskInstruction createTask() throws Exception;

  /** An input the task accepts. */
  protected TaskInput sampleInput() {
    return new TaskInput(
        List.of(
            PromptSegment.text("A"),
            PromptSegment.image(ImageRef.ofBytes(CompatData.png(8, 8, 0xC03030))),
            PromptSegment.text("moves left on a red background")),
        null);
  }

  @TestFactory
  public final Stream<DynamicTest> taskInstructionContract() {
    return new TaskInstructionContract(this::createTask, sampleInput())
        .checks().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.body().run()));
  }
}
