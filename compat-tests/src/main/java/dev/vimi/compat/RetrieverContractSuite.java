package dev.vimi.compat;

import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.Retriever;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link Retriever} must pass. Extend it in your plugin's tests and implement
 * {@link #createRetriever}; a retriever that passes it works wherever vimi uses retrievers
 * (generation and dataset building).
 *
 * <pre>{@code
 * class MyRetrieverCompatTest extends RetrieverContractSuite {
 *   protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) throws Exception {
 *     try (MemoryWriter w = new MyProvider().openWriter(config(workDir))) { memory.forEach(w::add); }
 *     return new MyProvider().open(config(workDir));
 *   }
 * }
 * }</pre>
 *
 * <p>Each promise is one test method, named after it, so surefire's reports show which promise a
 * retriever breaks. The memory (150 pairs; images as files, in-memory PNG bytes and, if {@link
 * #storesPixelImages()}, in-memory pixels) and the queries are generated from a seed drawn per run
 * ({@link CompatSeed}); a failure names its seed, and {@code -Dvimi.compat.seed=<seed>} replays it.
 * Capabilities a retriever lacks are declared by overriding the hooks; their checks are then skipped.
 * The suite closes the retriever twice at the end: {@code close()} must be idempotent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RetrieverContractSuite {
  private RetrieverContract contract;
  private CheckSet checks;
  private Path workDir;

  /**
   * Builds a retriever whose memory holds exactly {@code memory}. Called once per suite run.
   *
   * @param workDir an empty folder the retriever may use for its files
   */
  protected abstract Retriever createRetriever(List<ImageTextPair> memory, Path workDir) throws Exception;

  /**
   * Whether hits must carry the exact image of the stored pair. Retrievers that keep only a
   * reference a client cannot read back may turn this off and say why.
   */
  protected boolean preservesImages() {
    return true;
  }

  /**
   * Whether the memory stores decoded pixels ({@link dev.vimi.spi.ImageRef.OfPixels}). When false,
   * the suite gives in-memory images as encoded PNG bytes only.
   */
  protected boolean storesPixelImages() {
    return false;
  }

  @BeforeAll
  protected final void openContract(TestReporter reporter) throws Exception {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    workDir = Files.createTempDirectory("vimi-compat-retriever");
    contract =
        new RetrieverContract(
            this::createRetriever, workDir, seed, new RetrieverContract.Capabilities(preservesImages(), storesPixelImages()));
    checks = new CheckSet(contract.checks(), seed);
  }

  @Test
  public final void hitsAreSortedBoundedAndDistinct() {
    checks.run("hitsAreSortedBoundedAndDistinct");
  }

  @Test
  public final void captionQueriedVerbatimRanksItsPairFirst() {
    checks.run("captionQueriedVerbatimRanksItsPairFirst");
  }

  @Test
  public final void returnsMinOfKAndMatchingPairs() {
    checks.run("returnsMinOfKAndMatchingPairs");
  }

  @Test
  public final void largeKReturnsEveryMatchOnce() {
    checks.run("largeKReturnsEveryMatchOnce");
  }

  @Test
  public final void everyHitMatchesTheQuery() {
    checks.run("everyHitMatchesTheQuery");
  }

  @Test
  public final void excludedIdsNeverAppear() {
    checks.run("excludedIdsNeverAppear");
  }

  @Test
  public final void sameQueryGivesSameHits() {
    checks.run("sameQueryGivesSameHits");
  }

  @Test
  public final void batchEqualsSingleRetrievals() {
    checks.run("batchEqualsSingleRetrievals");
  }

  @Test
  public final void concurrentQueriesAgreeWithSingleThreaded() {
    checks.run("concurrentQueriesAgreeWithSingleThreaded");
  }

  @Test
  public final void unmatchedQueryReturnsNoHits() {
    checks.run("unmatchedQueryReturnsNoHits");
  }

  @Test
  public final void queryWithoutSearchableWordsReturnsNoHits() {
    checks.run("queryWithoutSearchableWordsReturnsNoHits");
  }

  @Test
  public final void statsCountEveryPair() {
    checks.run("statsCountEveryPair");
  }

  @Test
  public final void hitsCarryTheStoredCaption() {
    checks.run("hitsCarryTheStoredCaption");
  }

  @Test
  public final void hitsCarryTheStoredImage() {
    checks.run("hitsCarryTheStoredImage");
  }

  @AfterAll
  protected final void closeRetriever() throws Exception {
    TempDirs.closeThenDelete(contract, workDir);
  }
}
