package dev.vimi.api;

import dev.vimi.spi.OutputKind;
import java.util.List;
import java.util.Map;

/** Small models over the reference providers of compat-tests, for engine tests. */
final class Oracles {
  private Oracles() {}

  static ModelSpec model(int frames, int h, int w, int steps, OutputKind kind) {
    StageSpec st = StageSpec.edmDefaults("base", frames, h, w, steps, 32, 64).withOutputKind(kind, 0.5);
    return new ModelSpec("oracle", null, List.of(st), new EncoderSpec("hashing", Map.of()));
  }

  static VimiPipeline gaussian(ModelSpec model, double mean, double std, double gain) {
    return VimiPipeline.builder()
        .model(model)
        .denoiser("gaussian-oracle", Map.of("mean", "" + mean, "std", "" + std, "gain", "" + gain))
        .noRetriever()
        .build();
  }

  static double mean(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double variance(float[] v) {
    double m = mean(v);
    double s = 0;
    for (float x : v) {
      s += (x - m) * (x - m);
    }
    return s / (v.length - 1);
  }
}
