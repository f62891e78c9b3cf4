package dev.vimi.compat;

import dev.vimi.spi.Denoiser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link Denoiser} backend must pass: output shape, finiteness, determinism,
 * batch independence, thread-safety, sensitivity to the conditioning, and the lifecycle (a closed
 * denoiser refuses work, close twice is safe, a wrong-shaped or non-finite input is an {@link
 * dev.vimi.spi.InvalidInputException}). Extend it and implement {@link #createDenoiser()}.
 *
 * <p>Each promise is one test method, named after it. Inputs are generated from a seed drawn per run
 * ({@link CompatSeed}); a failure names its seed, and {@code -Dvimi.compat.seed=<seed>} replays it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DenoiserContractSuite {
  private DenoiserContract contract;
  private CheckSet checks;

  /**
   * Creates a new denoiser under test. Called once for the checks that share a denoiser and once for
   * each lifecycle check; the suite closes every denoiser it gets.
   */
  protected abstract Denoiser createDenoiser() throws Exception;

  /** Largest absolute difference accepted between a batched and a single evaluation. */
  protected double tolerance() {
    return 1e-4;
  }

  /** Whether the network reads the conditioning (unconditional models return false). */
  protected boolean conditioningMatters() {
    return true;
  }

  @BeforeAll
  protected final void openContract(TestReporter reporter) {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    contract = new DenoiserContract(this::createDenoiser, seed, tolerance(), conditioningMatters());
    checks = new CheckSet(contract.checks(), seed);
  }

  @Test
  public final void outputHasTheInputShapeAndFiniteValues() {
    checks.run("outputHasTheInputShapeAndFiniteValues");
  }

  @Test
  public final void evaluationIsDeterministic() {
    checks.run("evaluationIsDeterministic");
  }

  @Test
  public final void batchElementsAreIndependent() {
    checks.run("batchElementsAreIndependent");
  }

  @Test
  public final void concurrentEvaluationsAgreeWithSingleThreaded() {
    checks.run("concurrentEvaluationsAgreeWithSingleThreaded");
  }

  @Test
  public final void outputDependsOnTheConditioning() {
    checks.run("outputDependsOnTheConditioning");
  }

  @Test
  public final void maxBatchIsAtLeastOne() {
    checks.run("maxBatchIsAtLeastOne");
  }

  @Test
  public final void evaluateIntoWritesWhatEvaluateReturns() {
    checks.run("evaluateIntoWritesWhatEvaluateReturns");
  }

  @Test
  public final void closedDenoiserRefusesWork() {
    checks.run("closedDenoiserRefusesWork");
  }

  @Test
  public final void closeTwiceIsSafe() {
    checks.run("closeTwiceIsSafe");
  }

  @Test
  public final void wrongShapeIsInvalidInput() {
    checks.run("wrongShapeIsInvalidInput");
  }

  @Test
  public final void nonFiniteInputIsInvalidInput() {
    checks.run("nonFiniteInputIsInvalidInput");
  }

  @AfterAll
  protected final void closeDenoiser() {
    if (contract != null) {
      contract.close();
    }
  }
}
