package dev.vimi.compat;

import dev.vimi.spi.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link VideoWriter} must pass: it writes, replaces, never leaves partial or
 * temporary output, and rejects a bad scale. Extend it, implement {@link #createWriter()} and
 * override {@link #fileName()} with a name carrying your extension.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class VideoWriterContractSuite {
  private Path workDir;

  /** Creates the writer under test. */
  protected abstract VideoWriter createWriter() throws Exception;

  /** The target name the suite writes, e.g. {@code "video.mp4"}; a plain name for folder writers. */
  protected String fileName() {
    return "video";
  }

  @TestFactory
  public final Stream<DynamicTest> videoWriterContract() throws Exception {
    workDir = Files.createTempDirectory("vimi-compat-writer");
    return new VideoWriterContract(this::createWriter, workDir, fileName())
        .checks().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.body().run()));
  }

  @AfterAll
  public final void cleanUp() throws Exception {
    if (workDir != null) {
      TempDirs.deleteRecursively(workDir);
    }
  }
}
