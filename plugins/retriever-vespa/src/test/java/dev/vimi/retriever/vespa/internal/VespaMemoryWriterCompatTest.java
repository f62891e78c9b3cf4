package dev.vimi.retriever.vespa.internal;

import dev.vimi.compat.MemoryWriterContract.MemoryUnderTest;
import dev.vimi.compat.MemoryWriterContractSuite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * The writer contract through the real feed and query code, each check against a fake cluster of its
 * own (an empty memory), which stores what is fed with Vespa's conditional-put semantics.
 */
class VespaMemoryWriterCompatTest extends MemoryWriterContractSuite {
  private final List<FakeVespa> fakes = new ArrayList<>();

  @Override
  protected MemoryUnderTest createMemory(Path workDir) throws Exception {
    FakeVespa fake = FakeVespa.start();
    fakes.add(fake);
    return new MemoryUnderTest(new VespaRetrieverProvider(), VespaTestSupport.config(fake));
  }

  @AfterAll
  void stopFakes() {
    fakes.forEach(FakeVespa::close);
  }
}
