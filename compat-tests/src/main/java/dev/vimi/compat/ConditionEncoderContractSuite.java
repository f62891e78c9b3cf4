package dev.vimi.compat;

import dev.vimi.spi.ConditionEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link ConditionEncoder} must pass: shapes, masks, the empty conditioning,
 * determinism, sensitivity to text and images, rejection of blank prompts, and thread-safety. Extend
 * it and implement {@link #createEncoder()}. Each promise is one test method, named after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConditionEncoderContractSuite {
  private ConditionEncoderContract contract;
  private CheckSet checks;

  /** Creates the encoder under test. Called once per suite run; the suite closes it (twice). */
  protected abstract ConditionEncoder createEncoder() throws Exception;

  /** Whether the encoder takes images; text-only encoders return false and skip the image check. */
  protected boolean supportsImages() {
    return true;
  }

  @BeforeAll
  protected final void openContract(TestReporter reporter) {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    contract = new ConditionEncoderContract(this::createEncoder, supportsImages());
    checks = new CheckSet(contract.checks(), seed);
  }

  @Test
  public final void conditioningsHaveShapeAndBinaryMask() {
    checks.run("conditioningsHaveShapeAndBinaryMask");
  }

  @Test
  public final void emptyConditioningHasZeroMask() {
    checks.run("emptyConditioningHasZeroMask");
  }

  @Test
  public final void encodingIsDeterministic() {
    checks.run("encodingIsDeterministic");
  }

  @Test
  public final void differentPromptsDiffer() {
    checks.run("differentPromptsDiffer");
  }

  @Test
  public final void blankPromptIsInvalidInput() {
    checks.run("blankPromptIsInvalidInput");
  }

  @Test
  public final void concurrentEncodesAgreeWithSingleThreaded() {
    checks.run("concurrentEncodesAgreeWithSingleThreaded");
  }

  @Test
  public final void imagesChangeTheConditioning() {
    checks.run("imagesChangeTheConditioning");
  }

  @AfterAll
  protected final void closeEncoder() {
    if (contract != null) {
      contract.close();
    }
  }
}
