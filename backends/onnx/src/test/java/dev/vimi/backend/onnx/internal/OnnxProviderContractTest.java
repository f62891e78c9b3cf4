package dev.vimi.backend.onnx.internal;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;

/** The onnx provider keeps the promises of every provider: its name, a constructor that starts no ONNX Runtime, unknown keys refused. */
class OnnxProviderContractTest extends ProviderContractSuite {
  @Override
  protected NamedProvider createProvider() {
    return new OnnxDenoiserProvider();
  }
}
