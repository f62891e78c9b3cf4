package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.backend.fixtures.KnownFramesCase;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/**
 * The test denoisers that take conditioning frames (models/test-denoiser/bundle-known) on this
 * backend: the checks of {@link KnownFramesCase}, and the plain test bundle's graphs take none.
 */
class OnnxKnownFramesTest {

  @Test
  void knownFramesReachTheGraphAndTheOutputMatchesPyTorch() throws Exception {
    KnownFramesCase.check("onnx", spec -> new OnnxDenoiserProvider().create(spec, ProviderConfig.empty("onnx")));
    try (Denoiser d = new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.empty("onnx"))) {
      assertThat(d.takesKnownFrames()).isFalse();
    }
  }
}
