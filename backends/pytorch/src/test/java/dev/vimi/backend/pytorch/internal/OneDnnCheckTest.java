package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * libtorch's CPU convolution with input channels that are not a multiple of 16 (wrong in oneDNN's AVX-512
 * kernel on some CPUs, see {@link OneDnnCheck}) is right after the backend's check, on whatever CPU this runs.
 */
class OneDnnCheckTest {
  @Test
  void afterTheDefaultCheckTheConvolutionIsRight() {
    Engine.getEngine("PyTorch");
    OneDnnCheck.apply(OneDnnCheck.Mode.AUTO, "test");
    assertThat(OneDnnCheck.probe()).isLessThanOrEqualTo(OneDnnCheck.TOLERANCE);
  }

  @Test
  void offSwitchesOneDnnOffAndTheConvolutionStaysRight() {
    Engine.getEngine("PyTorch");
    OneDnnCheck.apply(OneDnnCheck.Mode.OFF, "test");
    assertThat(OneDnnCheck.mkldnnEnabled("test")).isFalse();
    assertThat(OneDnnCheck.probe()).isLessThanOrEqualTo(OneDnnCheck.TOLERANCE);
  }

  @Test
  void theKeyTakesAutoOnOrOff() {
    assertThat(PyTorchOptions.parse(ProviderConfig.of("denoiser pytorch", Map.of())).mkldnn())
        .isEqualTo(OneDnnCheck.Mode.AUTO);
    assertThat(PyTorchOptions.parse(ProviderConfig.of("denoiser pytorch", Map.of("mkldnn", "on"))).mkldnn())
        .isEqualTo(OneDnnCheck.Mode.ON);
    assertThatThrownBy(() -> PyTorchOptions.parse(ProviderConfig.of("denoiser pytorch", Map.of("mkldnn", "maybe"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'mkldnn' must be auto, on or off");
  }
}
