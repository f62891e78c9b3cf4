package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Plugins;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.backend.fixtures.VimiTinyReference;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same model, request and seed through ONNX Runtime and through libtorch give the same video:
 * the full EDM cascade (base stage, 8 Heun steps with classifier-free guidance; upsampler, 4 steps)
 * of the lead's pipeline, with only the denoiser backend swapped. Tolerance: max abs difference of the
 * final video <= 1e-3 (values in [-1, 1]); single evaluations agree to <= 1e-5.
 */
class CrossBackendAgreementTest {
  private static final Logger LOG = LoggerFactory.getLogger(CrossBackendAgreementTest.class);

  private static VimiPipeline pipeline(ModelBundle bundle, String backend) {
    return VimiPipeline.builder()
        .model(bundle.spec())
        .denoiser(backend, Map.of())
        .encoder("hashing", Map.of("truncate", "true"))
        .noRetriever()
        .build();
  }

  @Test
  void singleEvaluationsAgree() {
    for (String stage : new String[] {"base", "upsampler"}) {
      TestBundle.Case c = TestBundle.readCase(stage);
      try (Denoiser onnx = Plugins.discover().denoisers().get("onnx").create(TestBundle.spec(stage, "onnx"), ProviderConfig.empty("onnx"));
          Denoiser torch = new PyTorchDenoiserProvider().create(TestBundle.spec(stage, "pytorch"), ProviderConfig.empty("pytorch"))) {
        double diff = TestBundle.maxAbsDiff(onnx.evaluate(c.input()).toArray(), torch.evaluate(c.input()).toArray());
        LOG.info("stage {}: one evaluation, onnx vs pytorch max abs diff {}", stage, diff);
        assertThat(diff).isLessThanOrEqualTo(1e-5);
      }
    }
  }

  @Test
  void theFullSamplerGivesTheSameVideoOnBothBackends() {
    GenerationRequest request = GenerationRequest.builder().prompt("a red ball bouncing on grass").seed(20240611L).build();
    try (ModelBundle bundle = TestBundle.load();
        VimiPipeline onnx = pipeline(bundle, "onnx");
        VimiPipeline torch = pipeline(bundle, "pytorch")) {
      GenerationResult a = onnx.generate(request);
      GenerationResult b = torch.generate(request);
      Tensor va = a.video().frames();
      Tensor vb = b.video().frames();
      assertThat(va.shape()).containsExactly(3, 4, 16, 16);
      assertThat(vb.shape()).containsExactly(va.shape());
      assertThat(a.stageVideos()).hasSize(2);

      double baseDiff =
          TestBundle.maxAbsDiff(a.stageVideos().get(0).frames().toArray(), b.stageVideos().get(0).frames().toArray());
      double diff = TestBundle.maxAbsDiff(va.toArray(), vb.toArray());
      LOG.info("full cascade, seed {}: base stage max abs diff {}, final video max abs diff {}", request.seed(), baseDiff, diff);
      assertThat(diff).isLessThanOrEqualTo(1e-3);
      assertThat(baseDiff).isLessThanOrEqualTo(1e-3);

      // the video is a real sample, not a constant: a broken sampler or backend would not vary
      float[] v = va.toArray();
      assertThat(va.firstNonFinite()).isEqualTo(-1);
      assertThat(VimiTinyReference.variance(v)).isGreaterThan(1e-4);

      // a different seed gives a different video on the same backend
      GenerationRequest other = GenerationRequest.builder().prompt("a red ball bouncing on grass").seed(7L).build();
      double seedDiff = TestBundle.maxAbsDiff(onnx.generate(other).video().frames().toArray(), v);
      assertThat(seedDiff).isGreaterThan(100 * Math.max(diff, 1e-6));
    }
  }
}
