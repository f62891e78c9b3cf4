package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch backend (libtorch 2.7.1) reproduces the outputs PyTorch 1.13 computed at export time.
 * Tolerance: max abs diff <= 1e-4 for fp32; for the fp16 module one fp16 rounding step.
 */
class PyTorchReproducesPythonTest {
  private static final Logger LOG = LoggerFactory.getLogger(PyTorchReproducesPythonTest.class);
  static final double FP32_TOLERANCE = 1e-4;

  private static Denoiser create(DenoiserSpec spec) {
    return new PyTorchDenoiserProvider().create(spec, ProviderConfig.empty("test pytorch"));
  }

  @Test
  void baseStageMatchesPyTorch() {
    TestBundle.Case c = TestBundle.readCase("base");
    try (Denoiser d = create(TestBundle.spec("base"))) {
      Tensor out = d.evaluate(c.input());
      assertThat(out.shape()).containsExactly(c.shape());
      double diff = TestBundle.maxAbsDiff(out.toArray(), c.expected());
      LOG.info("pytorch base fp32: max abs diff to PyTorch 1.13 {}", diff);
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }

  @Test
  void upsamplerStageMatchesPyTorch() {
    TestBundle.Case c = TestBundle.readCase("upsampler");
    try (Denoiser d = create(TestBundle.spec("upsampler"))) {
      double diff = TestBundle.maxAbsDiff(d.evaluate(c.input()).toArray(), c.expected());
      LOG.info("pytorch upsampler fp32: max abs diff to PyTorch 1.13 {}", diff);
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }

  @Test
  void halfPrecisionModuleMatchesPyTorchWithinOneFp16Step() {
    TestBundle.Case c = TestBundle.readCase("base-fp16");
    DenoiserSpec spec = TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("base-fp16.pt", false, "fp16"));
    try (Denoiser d = create(spec)) {
      float[] out = d.evaluate(c.input()).toArray();
      double worst = 0;
      for (int i = 0; i < out.length; i++) {
        double step = Math.ulp(Float.float16ToFloat(Float.floatToFloat16(c.expected()[i]))) * 8192;
        worst = Math.max(worst, Math.abs(out[i] - c.expected()[i]) - step);
      }
      double diff = TestBundle.maxAbsDiff(out, c.expected());
      LOG.info("pytorch base fp16: max abs diff to PyTorch 1.13 {}", diff);
      assertThat(worst).as("largest difference beyond one fp16 step").isLessThanOrEqualTo(0);
    }
  }

  @Test
  void batchesAboveMaxBatchAreSplit() {
    TestBundle.Case c = TestBundle.readCase("upsampler");
    try (Denoiser whole = create(TestBundle.spec("upsampler"));
        Denoiser one =
            new PyTorchDenoiserProvider()
                .create(TestBundle.spec("upsampler"), ProviderConfig.of("t", Map.of("max_batch", "1", "graph_optimizer", "true")))) {
      assertThat(one.maxBatch()).isEqualTo(1);
      double diff = TestBundle.maxAbsDiff(one.evaluate(c.input()).toArray(), whole.evaluate(c.input()).toArray());
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }
}
