package dev.vimi.compat.reference;

import dev.vimi.compat.MemoryWriterContract.MemoryUnderTest;
import dev.vimi.compat.MemoryWriterContractSuite;
import dev.vimi.spi.ProviderConfig;
import java.nio.file.Path;
import java.util.Map;

/** The reference provider's writer passes the writer contract (it keeps pairs with decoded pixels). */
class InMemoryMemoryWriterCompatTest extends MemoryWriterContractSuite {
  @Override
  protected MemoryUnderTest createMemory(Path workDir) {
    return new MemoryUnderTest(new InMemoryRetrieverProvider(), ProviderConfig.of("test", Map.of("file", workDir.resolve("m.tsv").toString())));
  }
}
