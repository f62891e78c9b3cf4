package dev.vimi.bench.engine;

import dev.vimi.api.Cancellation;
import dev.vimi.api.Churn;
import dev.vimi.api.Guidance;
import dev.vimi.api.SamplerKind;
import dev.vimi.api.internal.sampling.EdmSampler;
import dev.vimi.api.internal.sampling.GuidedDenoiser;
import dev.vimi.api.internal.sampling.NoiseSource;
import dev.vimi.api.internal.sampling.SigmaSchedule;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Heun step (two guided evaluations) of the engine at ViMi's sizes, with a denoiser whose network
 * costs nothing (it returns a ready tensor): what remains is the sampler's own work per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SamplerStepBenchmark {
  /** base: 16x36x64 (paper stage 1); upsampler: 16x72x128 (2x). */
  @Param({"36x64", "72x128"})
  public String size;

  @Param({"1.0", "3.0"})
  public double guidance;

  private double[] noise;
  private double[] sigmas;
  private Denoiser free;
  private Conditioning cond;
  private Conditioning uncond;

  @Setup
  public void setup() {
    int h = Integer.parseInt(size.split("x")[0]);
    int w = Integer.parseInt(size.split("x")[1]);
    DenoiserSpec spec = new DenoiserSpec("bench", OutputKind.EDM, 0.5, 3, 16, h, w, 64, 384, Optional.empty());
    Tensor zeros2 = Tensor.zeros(2, 3, 16, h, w);
    Tensor zeros1 = Tensor.zeros(1, 3, 16, h, w);
    free = new Denoiser() {
      @Override
      public DenoiserSpec spec() {
        return spec;
      }

      @Override
      public int maxBatch() {
        return 2;
      }

      @Override
      public Tensor evaluate(DenoiserInput in) {
        return in.batch() == 2 ? zeros2 : zeros1;
      }

      @Override
      public void close() {}
    };
    noise = new double[3 * 16 * h * w];
    NoiseSource.of(1, 0).fill(noise);
    // two steps: the first is a full Heun step (2 evaluations), the last an Euler step to sigma 0
    sigmas = SigmaSchedule.karras(2, 0.002, 80, 7);
    cond = Conditioning.empty(64, 384);
    uncond = Conditioning.empty(64, 384);
  }

  @Benchmark
  public double[] heunStep() {
    GuidedDenoiser d = new GuidedDenoiser(free, cond, uncond, Guidance.constant(guidance), 24f, null, Cancellation.none());
    return new EdmSampler(SamplerKind.HEUN, Churn.NONE).sample(noise, sigmas, d, new NoiseSource(0), i -> {});
  }
}
