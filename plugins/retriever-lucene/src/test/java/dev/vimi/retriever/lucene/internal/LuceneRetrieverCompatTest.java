package dev.vimi.retriever.lucene.internal;

import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The retriever contract, images stored by reference (the default). */
class LuceneRetrieverCompatTest extends RetrieverContractSuite {
  @Override
  protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();
    ProviderConfig config = provider.selfTest(workDir).orElseThrow().config().withAll(Map.of("search.threads", "3"));
    try (MemoryWriter w = provider.openWriter(config)) {
      memory.forEach(w::add);
    }
    return provider.open(config);
  }
}
