package dev.vimi.compat;

import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.Retriever;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract every {@link Retriever} must pass. Extend it in your plugin's tests and implement
 * {@link #createRetriever}; a retriever that passes it works wherever vimi uses retrievers (generation
 * and dataset building). The data is generated from {@link CompatSeed}.
 *
 * <pre>{@code
 * class MyRetrieverCompatTest extends RetrieverContractSuite {
 *   protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) throws Exception {
 *     try (MemoryWriter w = new MyProvider().openWriter(config(workDir))) { memory.forEach(w::add); }
 *     return new MyProvider().open(config(workDir));
 *   }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class RetrieverContractSuite {
  private RetrieverContract contract;
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

  @TestFactory
  public final Stream<DynamicTest> retrieverContract() throws Exception {
    workDir = Files.createTempDirectory("vimi-compat-retriever");
    contract = new RetrieverContract(this::createRetriever, workDir, CompatSeed.current(), preservesImages());
    return contract.checks().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> c.body().run()));
  }

  @AfterAll
  public final void closeRetriever() throws Exception {
    if (contract != null) {
      contract.close();
    }
    if (workDir != null) {
      TempDirs.deleteRecursively(workDir);
    }
  }
}
