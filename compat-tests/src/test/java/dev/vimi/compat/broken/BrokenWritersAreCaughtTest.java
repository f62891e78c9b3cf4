package dev.vimi.compat.broken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.compat.BrokenPromiseError;
import dev.vimi.compat.MemoryWriterContract.MemoryUnderTest;
import dev.vimi.compat.MemoryWriterContractSuite;
import dev.vimi.compat.SuiteResults;
import dev.vimi.compat.SuiteResults.Outcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Each promise of the memory writer contract is proved to be checked: a writer that breaks it
 * ({@link BrokenWriters}), run through {@link MemoryWriterContractSuite} as a plugin author's build runs
 * it, fails that promise's test method with a message that names the promise.
 */
class BrokenWritersAreCaughtTest {

  static class ForgetsDuplicatesSuite extends MemoryWriterContractSuite {
    @Override
    protected MemoryUnderTest createMemory(Path workDir) {
      return BrokenWriters.memory(workDir, BrokenWriters.ForgetsDuplicates::new);
    }
  }

  static class WriterThrowsOnSecondCloseSuite extends MemoryWriterContractSuite {
    @Override
    protected MemoryUnderTest createMemory(Path workDir) {
      return BrokenWriters.memory(workDir, BrokenWriters.ThrowsOnSecondClose::new);
    }
  }

  static class DropsPixelsSilentlySuite extends MemoryWriterContractSuite {
    @Override
    protected MemoryUnderTest createMemory(Path workDir) {
      return BrokenWriters.memory(workDir, BrokenWriters.DropsPixelsSilently::new);
    }
  }

  static class ClaimsOptimizeSuite extends MemoryWriterContractSuite {
    @Override
    protected MemoryUnderTest createMemory(Path workDir) {
      return BrokenWriters.memory(workDir, BrokenWriters.ClaimsOptimize::new);
    }
  }

  /** Runs the suite and checks that {@code check} failed with a broken-promise message naming {@code promise}. */
  private static String assertBroken(Class<?> suite, String check, String promise) {
    Map<String, Outcome> results = SuiteResults.run(suite);
    assertThat(results).as("test methods of %s", suite.getSimpleName()).containsKey(check);
    Outcome o = results.get(check);
    assertThat(o.status()).as("%s of %s; all results: %s", check, suite.getSimpleName(), results).isEqualTo(Status.FAILED);
    assertThat(o.failure()).isInstanceOf(BrokenPromiseError.class);
    assertThat(o.message()).startsWith("Broken promise: " + promise);
    return o.message();
  }

  @Test
  void aWriterThatDoesNotReportDuplicatesIsCaught() {
    String m = assertBroken(ForgetsDuplicatesSuite.class, "duplicateIdsAreSkippedAndReported", "a pair whose id is already in the memory is skipped");
    assertThat(m).contains("duplicates in");
    assertThat(m).containsPattern("Seed -?\\d+: reproduce with -Dvimi.compat.seed=-?\\d+");
    assertBroken(ForgetsDuplicatesSuite.class, "reportCountsEveryPair", "report() counts every pair handed to add()");
  }

  @Test
  void aWriterThatThrowsOnASecondCloseIsCaught() {
    String m = assertBroken(WriterThrowsOnSecondCloseSuite.class, "closeTwiceIsHarmless", "close() commits, a second close() does nothing");
    assertThat(m).contains("already closed");
  }

  @Test
  void aWriterThatDropsBadInputSilentlyIsCaught() {
    String m = assertBroken(DropsPixelsSilentlySuite.class, "badInputIsRefusedClearly", "bad input is refused with an error that names it");
    assertThat(m).contains("b-pixels");
  }

  @Test
  void aWriterThatClaimsACapabilityItLacksIsCaught() {
    String m = assertBroken(ClaimsOptimizeSuite.class, "optimizeKeepsEveryPairOrIsRefused", "optimize() keeps every pair when supportsOptimize() is true");
    assertThat(m).contains("UnsupportedOperationException");
  }

  @Test
  void theBrokenWritersBreakNothingElse() {
    // each breaks one promise: the other checks pass, so the suite points at the right one
    Map<Class<?>, List<String>> broken =
        Map.of(
            ForgetsDuplicatesSuite.class, List.of("duplicateIdsAreSkippedAndReported", "reportCountsEveryPair", "concurrentAddsCountEachPairOnce"),
            WriterThrowsOnSecondCloseSuite.class, List.of("closeTwiceIsHarmless"),
            DropsPixelsSilentlySuite.class, List.of("badInputIsRefusedClearly", "reportCountsEveryPair"),
            ClaimsOptimizeSuite.class, List.of("optimizeKeepsEveryPairOrIsRefused"));
    broken.forEach(
        (suite, expected) ->
            SuiteResults.run(suite)
                .forEach(
                    (check, o) -> {
                      if (!expected.contains(check)) {
                        assertThat(o.status()).as("%s of %s: %s", check, suite.getSimpleName(), o.message()).isEqualTo(Status.SUCCESSFUL);
                      }
                    }));
  }
}
