package dev.vimi.backend.pytorch.internal;

import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import org.junit.jupiter.api.Nested;

/** The denoiser contract on the exported TorchScript test modules: both cascade stages, fp32 and fp16. */
class PyTorchContractTest {

  @Nested
  class BaseStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new PyTorchDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.empty("test pytorch base"));
    }
  }

  @Nested
  class UpsamplerStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new PyTorchDenoiserProvider().create(TestBundle.spec("upsampler"), ProviderConfig.empty("test pytorch upsampler"));
    }
  }

  /** fp16 inputs and output (batch fixed at one in the manifest, so calls are split). */
  @Nested
  class HalfPrecisionBaseStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new PyTorchDenoiserProvider()
          .create(
              TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("base-fp16.pt", false, "fp16")),
              ProviderConfig.empty("test pytorch fp16"));
    }

    @Override
    protected double tolerance() {
      return 2e-3;
    }
  }
}
