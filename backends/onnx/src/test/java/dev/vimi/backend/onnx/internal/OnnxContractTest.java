package dev.vimi.backend.onnx.internal;

import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The denoiser contract on the exported test graphs: both cascade stages, fp32 and fp16. */
class OnnxContractTest {

  @Nested
  class BaseStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("test onnx base", Map.of("threads", "1")));
    }
  }

  @Nested
  class UpsamplerStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new OnnxDenoiserProvider().create(TestBundle.spec("upsampler"), ProviderConfig.empty("test onnx upsampler"));
    }
  }

  /** The fp16 graph has a fixed batch of one, so the suite's batch check is skipped and calls are split. */
  @Nested
  class HalfPrecisionBaseStage extends DenoiserContractSuite {
    @Override
    protected Denoiser createDenoiser() {
      return new OnnxDenoiserProvider()
          .create(
              TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("base-fp16.onnx", false, "fp16")),
              ProviderConfig.empty("test onnx fp16"));
    }

    @Override
    protected double tolerance() {
      return 2e-3; // one fp16 ulp at |v| ~ 1-2
    }
  }
}
