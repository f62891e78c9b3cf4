package dev.vimi.retriever.vespa.internal;

import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The retriever contract, run through the real feed and query code against the fake cluster, which
 * stores what is fed and ranks with BM25 over the fed captions and keywords. The plugin is configured
 * with nothing but the fake's URL.
 */
class VespaRetrieverCompatTest extends RetrieverContractSuite {
  private FakeVespa fake;

  @Override
  protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) throws Exception {
    fake = FakeVespa.start();
    ProviderConfig config = ProviderConfig.of("retriever vespa", java.util.Map.of("endpoint", fake.endpoint().toString()));
    VespaRetrieverProvider provider = new VespaRetrieverProvider();
    try (MemoryWriter w = provider.openWriter(config)) {
      memory.forEach(w::add);
    }
    return provider.open(config);
  }

  @AfterAll
  void stopFake() throws Exception {
    if (fake != null) {
      fake.close();
    }
  }
}
