package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.compat.reference.GaussianFramesOracleDenoiserProvider;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Conditioning frames against the exact conditional denoiser ({@code gaussian-frames-oracle}): at
 * every pixel the frames are jointly Gaussian with the AR(1) covariance {@code s^2 rho^|i-j|}; given
 * known frames, the unknown ones must come out with the conditional mean and (co)variance of Gaussian
 * conditioning, and the known ones must come out exactly.
 */
class ConditionalOracleSamplingTest {
  static final double MEAN = 0.1;
  static final double STD = 0.3;
  static final double RHO = 0.8;

  static VimiPipeline frames(ModelSpec model, double gain) {
    return VimiPipeline.builder()
        .model(model)
        .denoiser(
            GaussianFramesOracleDenoiserProvider.NAME,
            Map.of("mean", "" + MEAN, "std", "" + STD, "rho", "" + RHO, "gain", "" + gain))
        .noRetriever()
        .build();
  }

  static Tensor solid(double v, int h, int w) {
    return Tensor.filled((float) v, 3, h, w);
  }

  /** Values of frame t at every (channel, pixel) of every video, in one array. */
  static double[] frame(List<GeneratedVideo> videos, int t) {
    int per = 0;
    double[] out = null;
    int k = 0;
    for (GeneratedVideo g : videos) {
      Tensor f = g.video().frames();
      int tn = f.dim(1);
      int plane = f.dim(2) * f.dim(3);
      if (out == null) {
        per = 3 * plane;
        out = new double[per * videos.size()];
      }
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < plane; i++) {
          out[k++] = f.get((c * tn + t) * plane + i);
        }
      }
    }
    return out;
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double cov(double[] a, double[] b) {
    double ma = mean(a);
    double mb = mean(b);
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - ma) * (b[i] - mb);
    }
    return s / (a.length - 1);
  }

  @Test
  void aKnownFirstFrameGivesTheConditionalStatisticsAndComesOutExactly() {
    // 2 videos x 3 x 32 x 32 = 6144 samples per frame: relative standard error of a variance ~1.8%
    int t = 6;
    double k = 0.5;
    try (VimiPipeline p = frames(Oracles.model(t, 32, 32, 40, OutputKind.EDM), 0)) {
      GenerationResult r =
          p.generate(GenerationRequest.builder().prompt("a cat").seed(1).count(2).conditioningFrame(new ConditioningFrame(0, solid(k, 32, 32))).build());
      double[] f0 = frame(r.videos(), 0);
      for (double v : f0) {
        assertThat(v).isCloseTo(k, within(1e-6));
      }
      for (int i = 1; i < t; i++) {
        // AR(1) given x_0 = k: mean mu + rho^i (k - mu), variance s^2 (1 - rho^2i)
        double[] fi = frame(r.videos(), i);
        double m = MEAN + Math.pow(RHO, i) * (k - MEAN);
        double var = STD * STD * (1 - Math.pow(RHO, 2 * i));
        assertThat(mean(fi)).as("frame %d mean", i).isCloseTo(m, within(4 * Math.sqrt(var / fi.length) + 0.002));
        assertThat(cov(fi, fi)).as("frame %d variance", i).isCloseTo(var, within(0.08 * var));
      }
      // covariance of frames 1 and 2 given x_0: s^2 (rho - rho^3)
      double c12 = STD * STD * (RHO - Math.pow(RHO, 3));
      assertThat(cov(frame(r.videos(), 1), frame(r.videos(), 2))).isCloseTo(c12, within(0.1 * c12));
    }
  }

  @Test
  void knownFirstAndLastFramesGiveTheBridgeStatistics() {
    int t = 5;
    double a = -0.4;
    double b = 0.6;
    try (VimiPipeline p = frames(Oracles.model(t, 32, 32, 40, OutputKind.V), 0)) {
      GenerationResult r =
          p.generate(
              GenerationRequest.builder().prompt("a cat").seed(2).count(2)
                  .conditioningFrame(new ConditioningFrame(0, solid(a, 32, 32)))
                  .conditioningFrame(new ConditioningFrame(t - 1, solid(b, 16, 16)))
                  .build());
      for (double v : frame(r.videos(), t - 1)) {
        assertThat(v).isCloseTo(b, within(1e-6));
      }
      // Gaussian conditioning on frames 0 and T-1, written out with the 2x2 inverse
      double s2 = STD * STD;
      double r4 = Math.pow(RHO, t - 1);
      double det = s2 * s2 * (1 - r4 * r4);
      for (int i = 1; i < t - 1; i++) {
        double c0 = s2 * Math.pow(RHO, i);
        double c1 = s2 * Math.pow(RHO, t - 1 - i);
        // w = [c0 c1] K^-1, K = s2 [[1, r4], [r4, 1]]
        double w0 = (c0 * s2 - c1 * s2 * r4) / det;
        double w1 = (c1 * s2 - c0 * s2 * r4) / det;
        double m = MEAN + w0 * (a - MEAN) + w1 * (b - MEAN);
        double var = s2 - (w0 * c0 + w1 * c1);
        double[] fi = frame(r.videos(), i);
        assertThat(mean(fi)).as("frame %d mean", i).isCloseTo(m, within(4 * Math.sqrt(var / fi.length) + 0.002));
        assertThat(cov(fi, fi)).as("frame %d variance", i).isCloseTo(var, within(0.08 * var));
      }
    }
  }

  @Test
  void guidanceGivesTheUnconditionalBranchTheSameKnownFrames() {
    // mu_c = mean + gain c, mu_u = mean: with the same known frame in both branches the guided mean of
    // frame i is mean + rho^i (k - mean) + w gain c (1 - rho^i), and the known frame stays exact
    double gain = 0.5;
    double w = 3;
    int t = 4;
    double k = -0.2;
    String prompt = "a blue rocket over the moon";
    double c = Shifts.of("Generate a video with the retrieved text-image examples and text prompt. " + prompt);
    try (VimiPipeline p = frames(Oracles.model(t, 32, 32, 40, OutputKind.EDM), gain)) {
      GenerationResult r =
          p.generate(
              GenerationRequest.builder().prompt(prompt).seed(3).count(2).guidance(w)
                  .conditioningFrame(new ConditioningFrame(0, solid(k, 32, 32))).build());
      for (double v : frame(r.videos(), 0)) {
        assertThat(v).isCloseTo(k, within(1e-6));
      }
      for (int i = 1; i < t; i++) {
        double ri = Math.pow(RHO, i);
        double m = MEAN + ri * (k - MEAN) + w * gain * c * (1 - ri);
        double var = STD * STD * (1 - ri * ri);
        double[] fi = frame(r.videos(), i);
        assertThat(mean(fi)).as("frame %d mean", i).isCloseTo(m, within(4 * Math.sqrt(var / fi.length) + 0.002));
      }
    }
  }

  @Test
  void eachStageGetsTheKnownFramesAtItsOwnSizeAndFrameCount() {
    // base [T=4, 8x8], upsampler [T=8, 16x16]: video frames 0 and 7 are base frames 0 and 3
    StageSpec base = StageSpec.edmDefaults("base", 4, 8, 8, 16, 32, 64);
    StageSpec up = StageSpec.edmDefaults("upsampler", 8, 16, 16, 16, 32, 64);
    ModelSpec model = new ModelSpec("two-stage", null, List.of(base, up), new dev.vimi.api.EncoderSpec("hashing", Map.of()));
    Random rnd = new Random(5);
    float[] first = new float[3 * 16 * 16];
    float[] last = new float[3 * 16 * 16];
    for (int i = 0; i < first.length; i++) {
      first[i] = rnd.nextFloat() * 2 - 1;
      last[i] = rnd.nextFloat() * 2 - 1;
    }
    try (VimiPipeline p = frames(model, 0)) {
      GenerationResult r =
          p.generate(
              GenerationRequest.builder().prompt("a cat").seed(4)
                  .conditioningFrame(new ConditioningFrame(0, Tensor.of(first, 3, 16, 16)))
                  .conditioningFrame(new ConditioningFrame(7, Tensor.of(last, 3, 16, 16)))
                  .build());
      Tensor lo = r.stageVideos().get(0).frames();
      Tensor hi = r.video().frames();
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 16; y++) {
          for (int x = 0; x < 16; x++) {
            int src = (c * 16 + y) * 16 + x;
            assertThat(hi.get(((c * 8) * 16 + y) * 16 + x)).isCloseTo(first[src], within(1e-6f));
            assertThat(hi.get(((c * 8 + 7) * 16 + y) * 16 + x)).isCloseTo(last[src], within(1e-6f));
          }
        }
        // the base stage holds the 2x2 area means
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 8; x++) {
            double m0 = 0;
            double m3 = 0;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                m0 += first[(c * 16 + 2 * y + dy) * 16 + 2 * x + dx] / 4.0;
                m3 += last[(c * 16 + 2 * y + dy) * 16 + 2 * x + dx] / 4.0;
              }
            }
            assertThat((double) lo.get(((c * 4) * 8 + y) * 8 + x)).isCloseTo(m0, within(1e-6));
            assertThat((double) lo.get(((c * 4 + 3) * 8 + y) * 8 + x)).isCloseTo(m3, within(1e-6));
          }
        }
      }
    }
  }

  @Test
  void thePredictTasksFirstFrameIsKnownFrame0() {
    int[] argb = new int[8 * 8];
    java.util.Arrays.fill(argb, 0xFF336699);
    try (VimiPipeline p = frames(Oracles.model(4, 8, 8, 12, OutputKind.EDM), 0)) {
      Tensor v =
          p.generate(GenerationRequest.builder().task("predict").prompt("the ball rolls").firstFrame(new ImageRef.OfPixels(8, 8, argb)).build())
              .video().frames();
      for (int i = 0; i < 64; i++) {
        assertThat(v.get(i)).isCloseTo(0x33 / 127.5f - 1, within(1e-6f));
        assertThat(v.get(4 * 64 + i)).isCloseTo(0x66 / 127.5f - 1, within(1e-6f));
        assertThat(v.get(8 * 64 + i)).isCloseTo(0x99 / 127.5f - 1, within(1e-6f));
      }
    }
  }

  @Test
  void aModelWithoutConditioningFramesRefusesThemAndNamesTheModel() {
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 4, OutputKind.EDM), 0, 0.3, 1)) {
      assertThatThrownBy(
              () -> p.generate(GenerationRequest.builder().prompt("a cat").conditioningFrame(new ConditioningFrame(0, solid(0, 8, 8))).build()))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("conditioning_frames"))
          .hasMessageContaining("model 'oracle'")
          .hasMessageContaining("takes no conditioning frames")
          .hasMessageContaining("known_frames and known_mask");
    }
    try (VimiPipeline p = frames(Oracles.model(4, 8, 8, 4, OutputKind.EDM), 0)) {
      assertThatThrownBy(
              () -> p.generate(GenerationRequest.builder().prompt("a cat").conditioningFrame(new ConditioningFrame(4, solid(0, 8, 8))).build()))
          .hasMessageContaining("frame 4 is beyond the model's clip of 4 frames");
    }
    assertThatThrownBy(
            () -> GenerationRequest.builder().prompt("a").conditioningFrame(new ConditioningFrame(1, solid(0, 8, 8)))
                .conditioningFrame(new ConditioningFrame(1, solid(0, 8, 8))).build())
        .hasMessageContaining("frame 1 is given twice");
    assertThatThrownBy(() -> ConditioningFrame.of(0, ImageRef.of(java.nio.file.Path.of("f.png"))))
        .hasMessageContaining("not decoded pixels");
  }
}
