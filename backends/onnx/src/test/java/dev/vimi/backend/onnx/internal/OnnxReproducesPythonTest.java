package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX backend reproduces the outputs PyTorch computed at export time for fixed inputs.
 * Tolerance: max abs diff <= 1e-4 for fp32 graphs; for the fp16 graph (fp16 inputs and output) one
 * fp16 rounding step of the expected value (2^-10 relative, at most 2e-3 here).
 */
class OnnxReproducesPythonTest {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxReproducesPythonTest.class);
  static final double FP32_TOLERANCE = 1e-4;

  private static Denoiser create(DenoiserSpec spec) {
    return new OnnxDenoiserProvider().create(spec, ProviderConfig.empty("test onnx"));
  }

  @Test
  void baseStageMatchesPyTorch() {
    TestBundle.Case c = TestBundle.readCase("base");
    try (Denoiser d = create(TestBundle.spec("base"))) {
      Tensor out = d.evaluate(c.input());
      assertThat(out.shape()).containsExactly(c.shape());
      double diff = TestBundle.maxAbsDiff(out.toArray(), c.expected());
      LOG.info("onnx base fp32: max abs diff to PyTorch {}", diff);
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }

  @Test
  void upsamplerStageMatchesPyTorch() {
    TestBundle.Case c = TestBundle.readCase("upsampler");
    try (Denoiser d = create(TestBundle.spec("upsampler"))) {
      double diff = TestBundle.maxAbsDiff(d.evaluate(c.input()).toArray(), c.expected());
      LOG.info("onnx upsampler fp32: max abs diff to PyTorch {}", diff);
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }

  @Test
  void halfPrecisionGraphMatchesPyTorchWithinOneFp16Step() {
    TestBundle.Case c = TestBundle.readCase("base-fp16");
    DenoiserSpec spec = TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("base-fp16.onnx", false, "fp16"));
    try (Denoiser d = create(spec)) {
      assertThat(d.maxBatch()).isEqualTo(1);
      float[] out = d.evaluate(c.input()).toArray();
      double worst = 0;
      for (int i = 0; i < out.length; i++) {
        double step = Math.ulp(Float.float16ToFloat(Float.floatToFloat16(c.expected()[i]))) * 8192; // fp16 ulp
        double excess = Math.abs(out[i] - c.expected()[i]) - step;
        worst = Math.max(worst, excess);
      }
      double diff = TestBundle.maxAbsDiff(out, c.expected());
      LOG.info("onnx base fp16: max abs diff to PyTorch {}", diff);
      assertThat(worst).as("largest difference beyond one fp16 step").isLessThanOrEqualTo(0);
      assertThat(diff).isLessThanOrEqualTo(2e-3);
    }
  }

  @Test
  void inputsAreBoundByNameNotPosition() {
    TestBundle.Case c = TestBundle.readCase("upsampler");
    DenoiserSpec spec = TestBundle.spec("upsampler");
    GraphSpec g = spec.graph().orElseThrow();
    List<GraphInput> shuffled = new ArrayList<>(g.inputs());
    Collections.reverse(shuffled);
    DenoiserSpec reordered = TestBundle.withGraph(spec, TestBundle.withInputs(g, shuffled));
    try (Denoiser a = create(spec);
        Denoiser b = create(reordered)) {
      assertThat(b.evaluate(c.input()).toArray()).isEqualTo(a.evaluate(c.input()).toArray());
    }
  }

  @Test
  void batchesAboveMaxBatchAreSplit() {
    TestBundle.Case c = TestBundle.readCase("base");
    try (Denoiser whole = create(TestBundle.spec("base"));
        Denoiser one = new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("t", Map.of("max_batch", "1")))) {
      assertThat(one.maxBatch()).isEqualTo(1);
      assertThat(whole.maxBatch()).isEqualTo(16);
      double diff = TestBundle.maxAbsDiff(one.evaluate(c.input()).toArray(), whole.evaluate(c.input()).toArray());
      assertThat(diff).isLessThanOrEqualTo(FP32_TOLERANCE);
    }
  }
}
