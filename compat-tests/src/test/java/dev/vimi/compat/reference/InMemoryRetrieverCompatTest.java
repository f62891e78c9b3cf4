package dev.vimi.compat.reference;

import dev.vimi.compat.ConditionEncoderContractSuite;
import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reference provider passes its own contract suite. */
class InMemoryRetrieverCompatTest extends RetrieverContractSuite {
  @Override
  protected Retriever createRetriever(List<ImageTextPair> memory, Path workDir) {
    InMemoryRetrieverProvider p = new InMemoryRetrieverProvider();
    ProviderConfig cfg = ProviderConfig.of("test", Map.of("file", workDir.resolve("m.tsv").toString()));
    try (MemoryWriter w = p.openWriter(cfg)) {
      memory.forEach(w::add);
    }
    return p.open(cfg);
  }

  @Override
  protected boolean storesPixelImages() {
    return true;
  }
}
