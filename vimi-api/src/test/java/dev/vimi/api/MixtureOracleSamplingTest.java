package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.spi.OutputKind;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The multi-mode case: pixels drawn from 0.3 N(-0.5, 0.1^2) + 0.7 N(0.5, 0.1^2). The exact posterior
 * mean of the mixture drives the real sampler; the samples must reproduce the mode weights and each
 * mode's mean and spread.
 */
class MixtureOracleSamplingTest {

  @Test
  void samplesReproduceTheMixture() {
    ModelSpec model = Oracles.model(16, 16, 16, 64, OutputKind.EDM);
    try (VimiPipeline p =
        VimiPipeline.builder()
            .model(model)
            .denoiser("mixture-oracle", Map.of("components", "-0.5:0.1:0.3;0.5:0.1:0.7", "gain", "0"))
            .noRetriever()
            .build()) {
      float[] v = p.generate(GenerationRequest.builder().prompt("anything").seed(99).build()).video().frames().toArray();
      int hi = 0;
      double sumHi = 0;
      double sumLo = 0;
      double sqHi = 0;
      double sqLo = 0;
      for (float x : v) {
        if (x > 0) {
          hi++;
          sumHi += x;
          sqHi += x * x;
        } else {
          sumLo += x;
          sqLo += x * x;
        }
      }
      int lo = v.length - hi;
      double mHi = sumHi / hi;
      double mLo = sumLo / lo;
      // 12288 samples: the weight's standard error is sqrt(0.21/12288) = 0.004
      assertThat((double) hi / v.length).as("weight of the upper mode").isCloseTo(0.7, within(0.02));
      assertThat(mHi).as("upper mode mean").isCloseTo(0.5, within(0.01));
      assertThat(mLo).as("lower mode mean").isCloseTo(-0.5, within(0.01));
      assertThat(Math.sqrt(sqHi / hi - mHi * mHi)).as("upper mode std").isCloseTo(0.1, within(0.01));
      assertThat(Math.sqrt(sqLo / lo - mLo * mLo)).as("lower mode std").isCloseTo(0.1, within(0.01));
    }
  }
}
