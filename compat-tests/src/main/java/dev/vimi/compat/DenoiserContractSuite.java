package dev.vimi.compat;

import dev.vimi.spi.Denoiser;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link Denoiser} backend must pass: output shape, finiteness, determinism,
 * batch independence, thread-safety and sensitivity to the conditioning. Extend it and implement
 * {@link #createDenoiser()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DenoiserContractSuite {
  private DenoiserContract contract;

  /** Creates the denoiser under test. Called once per suite run; the suite closes it. */
  protected abstract Denoiser createDenoiser() throws Exception;

  /** Largest absolute difference accepted between a batched and a single evaluation. */
  protected double tolerance() {
    return 1e-4;
  }

  /** Whether the network reads the conditioning (unconditional models return false). */
  protected boolean conditioningMatters() {
    return true;
  }

  @TestFactory
  public final Stream<DynamicTest> denoiserContract() {
    contract = new DenoiserContract(this::createDenoiser, CompatSeed.current(), tolerance(), conditioningMatters());
    return contract.checks().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.body().run()));
  }

  @AfterAll
  public final void closeDenoiser() {
    if (contract != null) {
      contract.close();
    }
  }
}
