package dev.vimi.compat;

import dev.vimi.spi.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every {@link VideoWriter} must pass: it writes, replaces, never leaves partial or
 * temporary output, and rejects a bad scale. Extend it, implement {@link #createWriter()} and
 * override {@link #fileName()} with a name carrying your extension. Each promise is one test method,
 * named after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class VideoWriterContractSuite {
  private Path workDir;
  private CheckSet checks;

  /** Creates the writer under test. */
  protected abstract VideoWriter createWriter() throws Exception;

  /** The target name the suite writes, e.g. {@code "video.mp4"}; a plain name for folder writers. */
  protected String fileName() {
    return "video";
  }

  @BeforeAll
  protected final void openContract(TestReporter reporter) throws Exception {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    workDir = Files.createTempDirectory("vimi-compat-writer");
    checks = new CheckSet(new VideoWriterContract(this::createWriter, workDir, fileName()).checks(), seed);
  }

  @Test
  public final void writingCreatesANonEmptyTarget() {
    checks.run("writingCreatesANonEmptyTarget");
  }

  @Test
  public final void writingAgainReplacesTheTarget() {
    checks.run("writingAgainReplacesTheTarget");
  }

  @Test
  public final void missingParentFailsAndLeavesNothing() {
    checks.run("missingParentFailsAndLeavesNothing");
  }

  @Test
  public final void scaleBelowOneIsInvalidInput() {
    checks.run("scaleBelowOneIsInvalidInput");
  }

  @Test
  public final void noTemporaryFilesRemain() {
    checks.run("noTemporaryFilesRemain");
  }

  @AfterAll
  protected final void cleanUp() throws Exception {
    if (workDir != null) {
      TempDirs.deleteRecursively(workDir);
    }
  }
}
