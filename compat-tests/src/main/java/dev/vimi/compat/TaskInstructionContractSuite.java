package dev.vimi.compat;

import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link TaskInstruction} must pass. Extend it and implement {@link
 * #createTask()}. The task is checked with an input built from what it declares in {@link
 * TaskInstruction#accepts()} (text only by default); override {@link #sampleInput()} to check it with
 * a particular input. Each promise is one test method, named after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TaskInstructionContractSuite {
  private CheckSet checks;

  /** Creates the task under test. */
  protected abstract TaskInstruction createTask() throws Exception;

  /** An input the task accepts; the default is built from the task's {@link TaskInstruction#accepts()}. */
  protected TaskInput sampleInput() throws Exception {
    return TaskInstructionContract.sampleInput(createTask().accepts());
  }

  @BeforeAll
  protected final void openContract(TestReporter reporter) throws Exception {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    checks = new CheckSet(new TaskInstructionContract(this::createTask, sampleInput()).checks(), seed);
  }

  @Test
  public final void nameAndInstructionAreValid() {
    checks.run("nameAndInstructionAreValid");
  }

  @Test
  public final void declaredInputIsAccepted() {
    checks.run("declaredInputIsAccepted");
  }

  @Test
  public final void undeclaredInputIsInvalidInput() {
    checks.run("undeclaredInputIsInvalidInput");
  }

  @Test
  public final void blankInputIsInvalidInput() {
    checks.run("blankInputIsInvalidInput");
  }

  @Test
  public final void promptStartsWithTheInstruction() {
    checks.run("promptStartsWithTheInstruction");
  }

  @Test
  public final void promptKeepsTheUserInputInOrder() {
    checks.run("promptKeepsTheUserInputInOrder");
  }

  @Test
  public final void retrievedPairsAppearExactlyWhenTheTaskRetrieves() {
    checks.run("retrievedPairsAppearExactlyWhenTheTaskRetrieves");
  }

  @Test
  public final void assemblyIsDeterministic() {
    checks.run("assemblyIsDeterministic");
  }
}
