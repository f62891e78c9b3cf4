package dev.vimi.retriever.lucene.internal;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The lucene provider keeps the promises of every provider: its name, cheap construction, unknown keys refused by open, openWriter and verify. */
class LuceneProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new LuceneRetrieverProvider();
  }
}
