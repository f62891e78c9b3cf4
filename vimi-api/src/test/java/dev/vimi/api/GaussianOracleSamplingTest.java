package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.Conditioning;
import dev.vimi.compat.reference.HashingConditionEncoderProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The real pipeline (task, encoder, guidance, EDM preconditioning, Heun sampler) over the exact
 * denoiser of Gaussian data: generated pixels must have the data's mean and variance, and guidance
 * must move them by the predicted amount.
 */
class GaussianOracleSamplingTest {

  @ParameterizedTest
  @EnumSource(OutputKind.class)
  void samplesHaveTheDataMeanAndVarianceForEveryOutputKind(OutputKind kind) {
    // 3 x 16 x 16 x 16 = 12288 pixels: standard error of the mean 0.2/sqrt(12288) = 0.0018
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(16, 16, 16, 48, kind), 0.1, 0.2, 0.0)) {
      float[] v = p.generate(GenerationRequest.builder().prompt("a red cat").seed(11).build()).video().frames().toArray();
      assertThat(Oracles.mean(v)).as("mean").isCloseTo(0.1, within(0.01));
      assertThat(Oracles.variance(v)).as("variance").isCloseTo(0.04, within(0.04 * 0.06));
    }
  }

  @Test
  void guidanceMovesTheMeanByThePredictedAmount() {
    // cond mean mu_c = mean + gain*c, uncond mean mu_u = mean; CFG with scale w samples
    // N(mu_u + w (mu_c - mu_u), s^2) exactly, because D is affine in mu.
    double mean = 0.0;
    double gain = 0.5;
    String prompt = "a blue rocket over the moon";
    double c = shiftOf("Generate a video with the retrieved text-image examples and text prompt. " + prompt);
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(16, 16, 16, 48, OutputKind.EDM), mean, 0.1, gain)) {
      for (double w : new double[] {1.0, 2.0, 4.0}) {
        float[] v = p.generate(GenerationRequest.builder().prompt(prompt).seed(5).guidance(w).build()).video().frames().toArray();
        double expected = mean + w * gain * c;
        assertThat(Oracles.mean(v)).as("mean at guidance %s (c=%s)", w, c).isCloseTo(expected, within(0.006));
        assertThat(Oracles.variance(v)).as("variance at guidance %s", w).isCloseTo(0.01, within(0.0008));
      }
    }
  }

  @Test
  void perFrameRampGuidesEachFrameByItsOwnScale() {
    double gain = 0.5;
    String prompt = "a yellow tiger in a green forest";
    double c = shiftOf("Generate a video with the retrieved text-image examples and text prompt. " + prompt);
    int frames = 8;
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(frames, 24, 24, 40, OutputKind.V), 0.0, 0.1, gain)) {
      float[] v =
          p.generate(GenerationRequest.builder().prompt(prompt).seed(3).guidance(Guidance.linearRamp(1.0, 3.0)).build())
              .video().frames().toArray();
      int plane = 24 * 24;
      for (int t = 0; t < frames; t++) {
        double sum = 0;
        int n = 0;
        for (int ch = 0; ch < 3; ch++) {
          for (int i = 0; i < plane; i++) {
            sum += v[(ch * frames + t) * plane + i];
            n++;
          }
        }
        double w = 1.0 + 2.0 * t / (frames - 1.0);
        assertThat(sum / n).as("frame %d mean (scale %s)", t, w).isCloseTo(w * gain * c, within(0.012));
      }
    }
  }

  /** The conditioning shift the oracle reads: masked mean of C[:, 0] of the hashing encoder. */
  private static double shiftOf(String text) {
    Conditioning cond =
        new HashingConditionEncoderProvider().create(ProviderConfig.empty("t")).encode(MultimodalPrompt.of(PromptSegment.text(text)));
    double sum = 0;
    int n = 0;
    for (int t = 0; t < cond.length(); t++) {
      if (cond.mask().get(t) != 0) {
        sum += cond.tokens().get(t * cond.dim());
        n++;
      }
    }
    assertThat(Math.abs(sum / n)).as("the prompt must give a clearly non-zero shift").isGreaterThan(0.02);
    return sum / n;
  }
}
