package com.example.vimi.uniform;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The sample plugin keeps the promises of every provider, as every provider of vimi's own does. */
class UniformOracleProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new UniformOracleProvider();
  }
}
