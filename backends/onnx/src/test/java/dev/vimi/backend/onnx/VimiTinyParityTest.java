package dev.vimi.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.StageSpec;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.backend.fixtures.VimiTinyReference;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViMi-tiny (models/vimi-tiny/bundle) on ONNX Runtime reproduces the Python reference sampler for the
 * committed reference case (see {@link VimiTinyReference}): the same seed, request and conditioning give
 * the same base video and the same upsampled video, max |SDK - Python| <= {@value VimiTinyReference#TOLERANCE}.
 */
class VimiTinyParityTest {
  private static final Logger LOG = LoggerFactory.getLogger(VimiTinyParityTest.class);

  @Test
  void theBundleLoadsWithItsChecksumsAndDescribesTheCascade() {
    try (ModelBundle bundle = ModelBundle.load(VimiTinyReference.root().resolve("bundle"))) {
      assertThat(bundle.name()).isEqualTo("vimi-tiny");
      List<StageSpec> stages = bundle.spec().stages();
      assertThat(stages).extracting(StageSpec::frames).containsExactly(16, 16);
      assertThat(stages).extracting(StageSpec::height).containsExactly(36, 72);
      assertThat(stages).extracting(StageSpec::width).containsExactly(64, 128);
      assertThat(stages.get(0).graphs()).containsKeys("onnx", "pytorch");
      assertThat(stages.get(1).graphs()).containsKeys("onnx", "pytorch");
      assertThat(bundle.spec().encoder().provider()).isEqualTo("mllm");
      assertThat(bundle.spec().encoder().settings())
          .containsEntry("lm_preset", "all-minilm-l6-v2-q")
          .containsEntry("fusion", "late")
          .containsKeys("vision", "projector", "fusion_net");
      assertThat(bundle.checksums()).containsKeys("base.onnx", "base.pt", "upsampler.onnx", "upsampler.pt", "vision.onnx",
          "projector.onnx", "fusion.onnx");
    }
  }

  @Test
  void theSdkReproducesThePythonReferenceSampler() {
    VimiTinyReference.Outcome o = VimiTinyReference.replay("onnx");
    LOG.info("vimi-tiny on onnx vs the Python reference: base max abs diff {}, final {}", o.baseMaxAbsDiff(), o.finalMaxAbsDiff());
    assertThat(o.finalShape()).containsExactly(3, 16, 72, 128);
    assertThat(o.baseMaxAbsDiff()).isLessThanOrEqualTo(VimiTinyReference.TOLERANCE);
    assertThat(o.finalMaxAbsDiff()).isLessThanOrEqualTo(VimiTinyReference.TOLERANCE);
    assertThat(o.expectedVariance()).as("the reference is a picture, not a constant").isGreaterThan(1e-3);
  }
}
