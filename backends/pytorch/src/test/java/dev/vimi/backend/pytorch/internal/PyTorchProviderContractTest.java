package dev.vimi.backend.pytorch.internal;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The pytorch provider keeps the promises of every provider: its name, a constructor that starts no libtorch, unknown keys refused. */
class PyTorchProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new PyTorchDenoiserProvider();
  }
}
