package dev.vimi.retriever.vespa.internal;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The vespa provider keeps the promises of every provider: its name, a constructor that connects to nothing, unknown keys refused. */
class VespaProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new VespaRetrieverProvider();
  }
}
