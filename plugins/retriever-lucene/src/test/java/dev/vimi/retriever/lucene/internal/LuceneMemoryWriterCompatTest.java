package dev.vimi.retriever.lucene.internal;

import dev.vimi.compat.MemoryWriterContract.MemoryUnderTest;
import dev.vimi.compat.MemoryWriterContractSuite;
import java.nio.file.Path;

/** The writer contract on a Lucene memory folder, configured as the compatibility runner does. */
class LuceneMemoryWriterCompatTest extends MemoryWriterContractSuite {
  @Override
  protected MemoryUnderTest createMemory(Path workDir) {
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();
    return new MemoryUnderTest(provider, provider.selfTest(workDir).orElseThrow().config());
  }
}
