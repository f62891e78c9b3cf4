package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.backend.fixtures.KnownFramesCase;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import org.junit.jupiter.api.Test;

/**
 * The test denoisers that take conditioning frames (models/test-denoiser/bundle-known) on this
 * backend: the checks of {@link KnownFramesCase}, and the plain test bundle's graphs take none.
 */
class PyTorchKnownFramesTest {

  @Test
  void knownFramesReachTheGraphAndTheOutputMatchesPyTorch() throws Exception {
    KnownFramesCase.check("pytorch", spec -> new PyTorchDenoiserProvider().create(spec, ProviderConfig.empty("pytorch")));
    try (Denoiser d = new PyTorchDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.empty("pytorch"))) {
      assertThat(d.takesKnownFrames()).isFalse();
    }
  }
}
