package dev.vimi.compat;

import dev.vimi.spi.ConditionEncoder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link ConditionEncoder} must pass: shapes, masks, the empty conditioning,
 * determinism, sensitivity to text and images, rejection of blank prompts, and thread-safety. Extend
 * it and implement {@link #createEncoder()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConditionEncoderContractSuite {
  private ConditionEncoderContract contract;

  /** Creates the encoder under test. Called once per suite run; the suite closes it. */
  protected abstract ConditionEncoder createEncoder() throws Exception;

  /** Whether the encoder takes images; text-only encoders return false. */
  protected boolean supportsImages() {
    return true;
  }

  @TestFactory
  public final Stream<DynamicTest> conditionEncoderContract() {
    contract = new ConditionEncoderContract(this::createEncoder, supportsImages());
    return contract.checks().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.body().run()));
  }

  @AfterAll
  public final void closeEncoder() {
    if (contract != null) {
      contract.close();
    }
  }
}
