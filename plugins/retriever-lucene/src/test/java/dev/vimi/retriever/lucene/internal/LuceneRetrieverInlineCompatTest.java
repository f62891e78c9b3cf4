package dev.vimi.retriever.lucene.internal;

import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The retriever contract with images stored inside the index, ingested by two threads with commits every 60 pairs. */
class LuceneRetrieverInlineCompatTest extends RetrieverContractSuite {
  @Override
  protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) throws Exception {
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();
    ProviderConfig config =
        ProviderConfig.of(
            "retriever lucene",
            Map.of("index.dir", workDir.resolve("m").toString(), "images", "inline", "commit.every", "60", "analyzer", "standard"));
    try (MemoryWriter w = provider.openWriter(config)) {
      Thread a = new Thread(() -> memory.subList(0, memory.size() / 2).forEach(w::add));
      Thread b = new Thread(() -> memory.subList(memory.size() / 2, memory.size()).forEach(w::add));
      a.start();
      b.start();
      a.join();
      b.join();
    }
    return provider.open(config);
  }
}
