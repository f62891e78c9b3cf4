package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.backend.fixtures.VimiTinyReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViMi-tiny (models/vimi-tiny/bundle; its manifest is checked by denoiser-support's VimiTinyBundleTest) on ONNX Runtime reproduces the Python reference sampler for the
 * committed reference case (see {@link VimiTinyReference}): the same seed, request and conditioning give
 * the same base video and the same upsampled video, max |SDK - Python| <= {@value VimiTinyReference#TOLERANCE}.
 */
class VimiTinyParityTest {
  private static final Logger LOG = LoggerFactory.getLogger(VimiTinyParityTest.class);

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
