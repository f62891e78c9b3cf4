package dev.vimi.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link dev.vimi.spi.MemoryWriter} must pass: duplicate ids skipped and reported,
 * every pair seen after a commit, an ingest report that accounts for every pair, a harmless second
 * close, clear refusals of bad input, an honest optimize capability, and thread-safe adds. Extend it in
 * your plugin's tests and implement {@link #createMemory}; a writer that passes it works with vimi's
 * ingest job and {@code vimi memory ingest}.
 *
 * <pre>{@code
 * class MyMemoryWriterCompatTest extends MemoryWriterContractSuite {
 *   protected MemoryUnderTest createMemory(Path workDir) {
 *     return new MemoryUnderTest(new MyProvider(), ProviderConfig.of("test", Map.of("dir", workDir.toString())));
 *   }
 * }
 * }</pre>
 *
 * <p>The suite reads the memory back through the same provider's retriever ({@code open}), so a
 * provider needs both. Each promise is one test method, named after it. The pairs are generated from a
 * seed drawn per run ({@link CompatSeed}); a failure names its seed, and {@code
 * -Dvimi.compat.seed=<seed>} replays it. The suite closes every writer and retriever it opens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MemoryWriterContractSuite {
  private MemoryWriterContract contract;
  private CheckSet checks;
  private Path workDir;

  /**
   * A fresh, empty memory of the provider under test: the provider and a configuration that points its
   * writer and its retriever at that memory. Called once per check, each time with another folder.
   *
   * @param workDir an empty folder the memory may use for its files
   */
  protected abstract MemoryWriterContract.MemoryUnderTest createMemory(Path workDir) throws Exception;

  @BeforeAll
  protected final void openContract(TestReporter reporter) throws Exception {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    workDir = Files.createTempDirectory("vimi-compat-writer");
    contract = new MemoryWriterContract(this::createMemory, workDir, seed);
    checks = new CheckSet(contract.checks(), seed);
  }

  @Test
  public final void duplicateIdsAreSkippedAndReported() {
    checks.run("duplicateIdsAreSkippedAndReported");
  }

  @Test
  public final void reopenAfterCommitSeesEveryPair() {
    checks.run("reopenAfterCommitSeesEveryPair");
  }

  @Test
  public final void reportCountsEveryPair() {
    checks.run("reportCountsEveryPair");
  }

  @Test
  public final void closeTwiceIsHarmless() {
    checks.run("closeTwiceIsHarmless");
  }

  @Test
  public final void badInputIsRefusedClearly() {
    checks.run("badInputIsRefusedClearly");
  }

  @Test
  public final void optimizeKeepsEveryPairOrIsRefused() {
    checks.run("optimizeKeepsEveryPairOrIsRefused");
  }

  @Test
  public final void concurrentAddsCountEachPairOnce() {
    checks.run("concurrentAddsCountEachPairOnce");
  }

  @AfterAll
  protected final void deleteWorkDir() throws Exception {
    TempDirs.closeThenDelete(contract, workDir);
  }
}
