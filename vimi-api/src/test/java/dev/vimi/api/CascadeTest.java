package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.internal.cascade.VideoResize;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A two-stage cascade. The base stage is the Gaussian oracle; the upsampler is the exact denoiser of
 * "the low-res video upsampled, plus N(0, s^2)" with a tiny s, so its samples must equal the base video
 * resized to the upsampler's size: proof that stage 2 is conditioned on stage 1's output.
 */
class CascadeTest {

  /** Base stage: Gaussian oracle. Upsampler: D = (s^2 x + sigma^2 lowRes) / (s^2 + sigma^2). */
  static final class CascadeOracleProvider implements DenoiserProvider {
    @Override
    public String name() {
      return "cascade-oracle";
    }

    @Override
    public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
      if (spec.stage().equals("base")) {
        return new dev.vimi.compat.reference.GaussianOracleDenoiserProvider()
            .create(spec, ProviderConfig.of("t", Map.of("std", "0.3", "gain", "0")));
      }
      double s2 = 1e-4;
      return new Denoiser() {
        @Override
        public DenoiserSpec spec() {
          return spec;
        }

        @Override
        public int maxBatch() {
          return 8;
        }

        @Override
        public Tensor evaluate(DenoiserInput in) {
          assertThat(in.lowRes()).as("upsampler input carries the low-res video").isNotNull();
          int n = in.x().size() / in.batch();
          FloatBuffer out = Tensor.allocate(in.x().size());
          for (int b = 0; b < in.batch(); b++) {
            double sigma = in.sigma()[b];
            double sd = spec.sigmaData();
            OutputKind k = spec.outputKind();
            for (int j = 0; j < n; j++) {
              double x = in.x().get(b * n + j) / k.cIn(sigma, sd);
              double d = (s2 * x + sigma * sigma * in.lowRes().get(b * n + j)) / (s2 + sigma * sigma);
              out.put(b * n + j, (float) ((d - k.cSkip(sigma, sd) * x) / k.cOut(sigma, sd)));
            }
          }
          return Tensor.wrap(out, in.x().shape());
        }

        @Override
        public void close() {}
      };
    }
  }

  @Test
  void theUpsamplerIsConditionedOnTheResizedBaseVideo() {
    StageSpec base = StageSpec.edmDefaults("base", 4, 6, 8, 24, 32, 64);
    StageSpec up = StageSpec.edmDefaults("upsampler", 8, 12, 16, 24, 32, 64);
    ModelSpec model = new ModelSpec("cascade", null, List.of(base, up), new EncoderSpec("hashing", Map.of()));
    try (VimiPipeline p =
        VimiPipeline.builder().plugins(Plugins.discover().with(new CascadeOracleProvider())).model(model)
            .denoiser("cascade-oracle", Map.of()).noRetriever().build()) {
      GenerationResult r = p.generate(GenerationRequest.builder().prompt("a cat").seed(8).build());
      assertThat(r.stageVideos()).hasSize(2);
      assertThat(r.video().frames().shape()).containsExactly(3, 8, 12, 16);
      float[] lo = r.stageVideos().get(0).frames().toArray();
      double[] loD = new double[lo.length];
      for (int i = 0; i < lo.length; i++) {
        loD[i] = lo[i];
      }
      double[] expected = VideoResize.resize(loD, 3, 4, 6, 8, 8, 12, 16, Resize.TRILINEAR);
      float[] hi = r.video().frames().toArray();
      double max = 0;
      for (int i = 0; i < hi.length; i++) {
        max = Math.max(max, Math.abs(hi[i] - Math.max(-1, Math.min(1, expected[i]))));
      }
      assertThat(max).as("max |upsampled - resized base|").isLessThan(0.06);
    }
  }

  @Test
  void trilinearResizeMatchesHalfPixelInterpolation() {
    // 1 channel, 1 frame, 1 x 2 -> 1 x 4: torch interpolate(align_corners=False) gives [0, .25, .75, 1]
    double[] out = VideoResize.resize(new double[] {0, 1}, 1, 1, 1, 2, 1, 1, 4, Resize.TRILINEAR);
    assertThat(out).containsExactly(0, 0.25, 0.75, 1);
    double[] nearest = VideoResize.resize(new double[] {0, 1}, 1, 1, 1, 2, 1, 1, 4, Resize.NEAREST);
    assertThat(nearest).containsExactly(0, 0, 1, 1);
  }
}
