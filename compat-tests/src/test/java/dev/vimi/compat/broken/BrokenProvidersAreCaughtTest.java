package dev.vimi.compat.broken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.compat.BrokenPromiseError;
import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.compat.SuiteResults;
import dev.vimi.compat.SuiteResults.Outcome;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Each promise the suites check is proved to be checked: a provider that breaks it, run through the
 * suite exactly as a plugin author's build runs it, fails that promise's test method with a message
 * that names the promise. The broken suites are static nested classes, which surefire does not run on
 * its own.
 */
class BrokenProvidersAreCaughtTest {

  // ---- retrievers

  static class OnlyFirstExclusionSuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.OnlyFirstExclusion(BrokenRetrievers.reference(memory, workDir));
    }
  }

  static class ThrowsWithoutWordsSuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.ThrowsWithoutWords(BrokenRetrievers.reference(memory, workDir));
    }
  }

  static class IgnoresKAboveFiveSuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.IgnoresKAboveFive(BrokenRetrievers.reference(memory, workDir));
    }
  }

  static class CapsAtFiftySuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.CapsAtFifty(BrokenRetrievers.reference(memory, workDir));
    }
  }

  static class PadsToKSuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.PadsToK(BrokenRetrievers.reference(memory, workDir), memory);
    }
  }

  static class SharedBufferSuite extends RetrieverContractSuite {
    @Override
    protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
      return new BrokenRetrievers.SharedBuffer(BrokenRetrievers.reference(memory, workDir));
    }
  }

  // ---- denoisers

  static class WorksAfterCloseSuite extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new BrokenDenoisers.WorksAfterClose();
    }
  }

  static class ThrowsOnSecondCloseSuite extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new BrokenDenoisers.ThrowsOnSecondClose();
    }
  }

  static class AcceptsWrongShapeSuite extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new BrokenDenoisers.AcceptsWrongShape();
    }
  }

  static class SwallowsNonFiniteSuite extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new BrokenDenoisers.SwallowsNonFinite();
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

  private static void assertNamesTheSeed(String message) {
    assertThat(message).containsPattern("Seed -?\\d+: reproduce with -Dvimi.compat.seed=-?\\d+");
  }

  @Test
  void honouringOnlyTheFirstExcludedIdIsCaught() {
    assertNamesTheSeed(
        assertBroken(OnlyFirstExclusionSuite.class, "excludedIdsNeverAppear", "no excluded id appears, however many are excluded"));
  }

  @Test
  void throwingOnAQueryWithoutSearchableWordsIsCaught() {
    String m =
        assertBroken(
            ThrowsWithoutWordsSuite.class, "queryWithoutSearchableWordsReturnsNoHits", "a query with no searchable words (\"???\") returns no hits");
    assertThat(m).contains("query '???' threw java.lang.IllegalArgumentException");
  }

  @Test
  void ignoringKAboveFiveIsCaught() {
    String m = assertBroken(IgnoresKAboveFiveSuite.class, "returnsMinOfKAndMatchingPairs", "a query returns min(K, number of matching pairs) hits");
    assertThat(m).containsPattern("K=6 must give min\\(K, \\d+\\) = 6 hits; got 5");
    assertNamesTheSeed(m);
  }

  @Test
  void cappingResultsAtFiftyIsCaught() {
    String m = assertBroken(CapsAtFiftySuite.class, "largeKReturnsEveryMatchOnce", "a K larger than the memory returns every matching pair");
    assertThat(m).contains("but 50 hits came back");
  }

  @Test
  void paddingToKWithNonMatchingPairsIsCaught() {
    String m = assertBroken(PadsToKSuite.class, "everyHitMatchesTheQuery", "every hit shares a word with the query");
    assertThat(m).contains("score 0.0").contains("shares no word with the query");
    assertBroken(PadsToKSuite.class, "returnsMinOfKAndMatchingPairs", "a query returns min(K, number of matching pairs) hits");
  }

  @Test
  void aRetrieverThatIsNotThreadSafeIsReportedAsARaceNotASeed() {
    String m =
        assertBroken(SharedBufferSuite.class, "concurrentQueriesAgreeWithSingleThreaded", "answers given to many threads at once");
    assertThat(m).contains("threads queried at once differ from the single-threaded answers").contains("This is a race between threads");
    assertThat(m).doesNotContain("-Dvimi.compat.seed");
  }

  @Test
  void aRacyRetrieverPassesEverySingleThreadedCheck() {
    // the race check is what catches it: nothing else in the suite can
    Map<String, Outcome> results = SuiteResults.run(SharedBufferSuite.class);
    results.forEach(
        (check, o) -> {
          if (!check.equals("concurrentQueriesAgreeWithSingleThreaded")) {
            assertThat(o.status()).as("%s: %s", check, o.message()).isEqualTo(Status.SUCCESSFUL);
          }
        });
  }

  @Test
  void aDenoiserThatWorksAfterCloseIsCaught() {
    String m = assertBroken(WorksAfterCloseSuite.class, "closedDenoiserRefusesWork", "a closed denoiser refuses evaluate() with IllegalStateException");
    assertThat(m).contains("evaluate() after close() returned a result");
  }

  @Test
  void aDenoiserThatThrowsOnASecondCloseIsCaught() {
    assertBroken(ThrowsOnSecondCloseSuite.class, "closeTwiceIsSafe", "close() twice is safe");
  }

  @Test
  void aDenoiserThatAcceptsAWrongShapeIsCaught() {
    String m = assertBroken(AcceptsWrongShapeSuite.class, "wrongShapeIsInvalidInput", "an input whose video or conditioning shape does not fit the spec");
    assertThat(m).contains("instead of refusing it with InvalidInputException");
  }

  @Test
  void aDenoiserThatSwallowsNonFiniteInputIsCaught() {
    assertBroken(SwallowsNonFiniteSuite.class, "nonFiniteInputIsInvalidInput", "an input holding NaN or infinity is an InvalidInputException");
  }
}
