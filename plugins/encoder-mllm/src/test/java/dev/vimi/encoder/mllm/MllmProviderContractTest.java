package dev.vimi.encoder.mllm;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The mllm provider keeps the promises of every provider: its name, a constructor that loads no engine, unknown keys and bundle settings refused. */
class MllmProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new MllmEncoderProvider();
  }
}
