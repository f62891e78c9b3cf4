package dev.vimi.api;

import static dev.vimi.api.ConditionalOracleSamplingTest.MEAN;
import static dev.vimi.api.ConditionalOracleSamplingTest.RHO;
import static dev.vimi.api.ConditionalOracleSamplingTest.STD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long videos (ART-V's auto-regressive extension) against the exact conditional denoiser: the AR(1)
 * frames oracle is Markov, so a later clip conditioned on the anchor and the last frames must
 * continue the process exactly -- the frame after a join given the frame before it has mean {@code mu +
 * rho (x_prev - mu)} and variance {@code s^2 (1 - rho^2)}, the reference slots reproduce the frames
 * they repeat (blending them changes nothing), and reference noise of sigma a adds {@code rho^2 a^2}
 * to that variance.
 */
class LongVideoTest {

  /** Residuals {@code x_t - mu - rho (x_{t-1} - mu)} at every pixel of every video, for frames t in {@code ts}. */
  private static double[] residuals(List<GeneratedVideo> videos, int[] ts) {
    List<Double> out = new ArrayList<>();
    for (GeneratedVideo g : videos) {
      Tensor f = g.video().frames();
      int tn = f.dim(1);
      int plane = f.dim(2) * f.dim(3);
      for (int t : ts) {
        for (int c = 0; c < 3; c++) {
          for (int i = 0; i < plane; i++) {
            double now = f.get((c * tn + t) * plane + i);
            double prev = f.get((c * tn + t - 1) * plane + i);
            out.add(now - MEAN - RHO * (prev - MEAN));
          }
        }
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void clipsContinueTheProcessAcrossJoins() {
    // clip of 6: [anchor, ref, ref, new, new, new] -> 3 new frames per later clip; 15 frames = 4 clips
    ModelSpec model = Oracles.model(6, 32, 32, 40, OutputKind.EDM);
    List<Progress> seen = new ArrayList<>();
    try (VimiPipeline p = ConditionalOracleSamplingTest.frames(model, 0)) {
      GenerationRequest.Builder b = GenerationRequest.builder().prompt("a cat").seed(8).count(2).frames(15);
      GenerationResult r = p.generate(b.build(), seen::add, Cancellation.none());
      assertThat(r.video().frameCount()).isEqualTo(15);
      assertThat(r.stageVideos()).hasSize(1);
      assertThat(r.stageVideos().get(0)).isEqualTo(r.video());
      // the first clip is the clip a plain request gives
      Tensor single = p.generate(b.frames(6).build()).video().frames();
      for (int i = 0; i < 3 * 6 * 32 * 32; i++) {
        int plane = 32 * 32;
        int c = i / (6 * plane);
        int t = (i / plane) % 6;
        assertThat(r.video().frames().get((c * 15 + t) * plane + i % plane)).isEqualTo(single.get(i));
      }
      // joins are at frames 6, 9, 12: the first new frame after each continues the AR(1) chain
      double[] join = residuals(r.videos(), new int[] {6, 9, 12});
      double var = STD * STD * (1 - RHO * RHO);
      assertThat(ConditionalOracleSamplingTest.mean(join)).isCloseTo(0, within(4 * Math.sqrt(var / join.length)));
      assertThat(ConditionalOracleSamplingTest.cov(join, join)).isCloseTo(var, within(0.06 * var));
      // and so do the frames inside later clips
      double[] inside = residuals(r.videos(), new int[] {7, 8, 10, 11, 13, 14});
      assertThat(ConditionalOracleSamplingTest.cov(inside, inside)).isCloseTo(var, within(0.06 * var));

      // per-clip progress: clips 0..3 of 4
      assertThat(seen.stream().filter(e -> e.phase() == Progress.Phase.SAMPLING).map(Progress::clip).distinct().toList())
          .containsExactly(0, 1, 2, 3);
      assertThat(seen.stream().filter(e -> e.phase() == Progress.Phase.SAMPLING).map(Progress::clipCount).distinct().toList())
          .containsExactly(4);

      // the reference slots come out as the frames they repeat, so blending them in changes nothing
      GenerationResult blended = p.generate(b.frames(15).longVideo(LongVideo.DEFAULT.withBlendFrames(2)).build());
      float[] x = r.video().frames().toArray();
      float[] y = blended.video().frames().toArray();
      for (int i = 0; i < x.length; i++) {
        assertThat(y[i]).isCloseTo(x[i], within(2e-6f));
      }
    }
  }

  @Test
  void referenceNoiseAddsItsVarianceAtTheJoin() {
    double a = 0.15;
    ModelSpec model = Oracles.model(5, 32, 32, 40, OutputKind.EDM);
    try (VimiPipeline p = ConditionalOracleSamplingTest.frames(model, 0)) {
      // clip of 5 with one reference frame and no anchor: [ref, new x 4]; 13 frames = 3 clips, joins at 5 and 9
      LongVideo lv = LongVideo.DEFAULT.withReferenceFrames(1).withAnchor(false).withReferenceNoise(a);
      GenerationResult r = p.generate(GenerationRequest.builder().prompt("a cat").seed(21).count(2).frames(13).longVideo(lv).build());
      assertThat(r.video().frameCount()).isEqualTo(13);
      double[] join = residuals(r.videos(), new int[] {5, 9});
      // the clip sees x_prev + a n: the new frame is mu + rho (x_prev + a n - mu) + N(0, s^2 (1 - rho^2))
      // (values stay far inside [-1, 1], so the clamp of the noisy reference does not bite)
      double var = STD * STD * (1 - RHO * RHO) + RHO * RHO * a * a;
      assertThat(ConditionalOracleSamplingTest.cov(join, join)).isCloseTo(var, within(0.08 * var));
    }
    assertThat(LongVideo.sigmaOfDdpmStep(200)).isCloseTo(0.5717, within(1e-3));
  }

  @Test
  void aModelWithoutConditioningFramesFallsBackToThePredictTask() {
    // gaussian-oracle takes no known frames: later clips go through the predict task, dropping their
    // frame 0 (it stands for the last frame so far): clip of 4 -> 3 new frames per later clip
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 8, OutputKind.EDM), 0, 0.3, 1)) {
      List<Progress> seen = new ArrayList<>();
      GenerationRequest req = GenerationRequest.builder().prompt("a cat").seed(3).count(2).frames(10).negativePrompt("a dog").guidance(2).build();
      GenerationResult r = p.generate(req, seen::add, Cancellation.none());
      assertThat(r.videos()).hasSize(2);
      assertThat(r.video().frameCount()).isEqualTo(10);
      // every event of the request says 3 clips, from encoding to done (the last clip)
      assertThat(seen.stream().map(Progress::clipCount).distinct().toList()).containsExactly(3);
      assertThat(seen.get(0).phase()).isEqualTo(Progress.Phase.ENCODING);
      assertThat(seen.get(seen.size() - 1)).extracting(Progress::phase, Progress::clip).containsExactly(Progress.Phase.DONE, 2);
      Tensor single = p.generate(GenerationRequest.builder().prompt("a cat").seed(3).negativePrompt("a dog").guidance(2).build()).video().frames();
      for (int t = 0; t < 4; t++) {
        for (int i = 0; i < 64; i++) {
          assertThat(r.video().frames().get(t * 64 + i)).isEqualTo(single.get(t * 64 + i));
        }
      }
      // the same request gives the same long video
      assertThat(p.generate(req).video().frames().toArray()).isEqualTo(r.video().frames().toArray());
    }
  }

  @Test
  void badLongVideoSettingsAreRefused() {
    try (VimiPipeline p = ConditionalOracleSamplingTest.frames(Oracles.model(4, 8, 8, 4, OutputKind.EDM), 0)) {
      List<Progress> seen = new ArrayList<>();
      assertThatThrownBy(
              () -> p.generate(
                  GenerationRequest.builder().prompt("a").frames(9).longVideo(LongVideo.DEFAULT.withReferenceFrames(3)).build(),
                  seen::add, Cancellation.none()))
          .hasMessageContaining("long_video.reference_frames")
          .hasMessageContaining("use at most 2");
      // refused with the other checks, before the prompt is encoded
      assertThat(seen).isEmpty();
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a").frames(3).build()))
          .hasMessageContaining("frames: this model generates clips of 4 frames");
    }
    assertThatThrownBy(() -> LongVideo.DEFAULT.withBlendFrames(3)).hasMessageContaining("long_video.blend_frames");
    assertThatThrownBy(() -> LongVideo.DEFAULT.withReferenceNoise(-1)).hasMessageContaining("long_video.reference_noise");
  }
}
