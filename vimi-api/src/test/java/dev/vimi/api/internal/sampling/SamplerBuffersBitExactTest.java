package dev.vimi.api.internal.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.Cancellation;
import dev.vimi.api.Churn;
import dev.vimi.api.Guidance;
import dev.vimi.api.SamplerKind;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sampler and the guided denoiser reuse their arrays and input buffers from step to step; this checks
 * that they compute exactly what the straightforward algorithm computes (new arrays every step, every input
 * tensor built per call: the code as it was before the buffers were reused, kept below as the reference),
 * bit for bit, final samples and every step's denoised estimate alike. Across the cases that change the
 * buffers' layout: one and several items, guidance off, constant and per-frame, calls of 1, 2, 3 and 16
 * rows (a guided item's two rows split across calls), a low-res video, known frames, churn, Heun and Euler.
 * The network is a deterministic non-linear function of each row's own inputs, so a row that got another
 * row's input (or a stale one) shows.
 */
class SamplerBuffersBitExactTest {
  private static final int C = 3;
  private static final int T = 4;
  private static final int H = 3;
  private static final int W = 5;
  private static final int L = 6;
  private static final int D = 4;

  @Test
  void reusedBuffersGiveTheStraightforwardResultsBitForBit() {
    int cases = 0;
    for (int items : new int[] {1, 3}) {
      for (Guidance g : List.of(Guidance.constant(1), Guidance.constant(3), Guidance.linearRamp(1, 4))) {
        for (int maxBatch : new int[] {1, 2, 3, 16}) {
          for (boolean lowRes : new boolean[] {false, true}) {
            for (boolean known : new boolean[] {false, true}) {
              for (SamplerKind kind : SamplerKind.values()) {
                Churn churn = items == 3 && lowRes ? new Churn(20, 0.05, 50, 1.003) : Churn.NONE;
                check(items, g, maxBatch, lowRes, known, kind, churn);
                cases++;
              }
            }
          }
        }
      }
    }
    assertThat(cases).isEqualTo(2 * 3 * 4 * 2 * 2 * SamplerKind.values().length);
  }

  private static void check(int items, Guidance g, int maxBatch, boolean lowRes, boolean known, SamplerKind kind, Churn churn) {
    Denoiser net = network(maxBatch);
    List<GuidedDenoiser.Item> rows = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      Tensor lr = lowRes ? Tensor.of(values(C * T * H * W, 100 + i), C, T, H, W) : null;
      Tensor kf = known && i != 1 ? Tensor.of(values(C * T * H * W, 200 + i), C, T, H, W) : null;
      Tensor km = kf == null ? null : Tensor.of(new float[] {1, 0, 0, 1}, T);
      rows.add(new GuidedDenoiser.Item(conditioning(300 + i), i == 2 ? conditioning(400) : Conditioning.empty(L, D), lr, kf, km));
    }
    double[] noise = new double[items * C * T * H * W];
    NoiseSource.of(11, 0).fill(noise);
    double[] sigmas = SigmaSchedule.karras(5, 0.002, 80, 7);
    String what = items + " item(s), " + g + ", max batch " + maxBatch + ", low-res " + lowRes + ", known " + known + ", " + kind + ", " + churn;

    List<double[]> newDen = new ArrayList<>();
    double[] got =
        new EdmSampler(kind, churn)
            .sample(noise, sigmas, new GuidedDenoiser(net, rows, g, 24f, Cancellation.none()), sources(items), (done, den) -> newDen.add(den.clone()));
    List<double[]> refDen = new ArrayList<>();
    double[] want = referenceSample(kind, churn, noise, sigmas, new ReferenceGuidedDenoiser(net, rows, g, 24f), sources(items), refDen);

    assertThat(firstDifference(got, want)).as(what + ": first index whose bits differ (-1: none)").isEqualTo(-1);
    assertThat(newDen).as(what).hasSameSizeAs(refDen);
    for (int s = 0; s < refDen.size(); s++) {
      assertThat(firstDifference(newDen.get(s), refDen.get(s)))
          .as(what + ", denoised estimate of step " + (s + 1) + ": first index whose bits differ (-1: none)")
          .isEqualTo(-1);
    }
  }

  private static NoiseSource[] sources(int items) {
    NoiseSource[] out = new NoiseSource[items];
    for (int i = 0; i < items; i++) {
      out[i] = NoiseSource.of(77 + i, 1);
    }
    return out;
  }

  private static int firstDifference(double[] a, double[] b) {
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.length; i++) {
      if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
        return i;
      }
    }
    return -1;
  }

  private static float[] values(int n, long seed) {
    double[] d = new double[n];
    NoiseSource.of(seed, 0).fill(d);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) Math.tanh(d[i]);
    }
    return f;
  }

  private static Conditioning conditioning(long seed) {
    float[] mask = new float[L];
    for (int i = 0; i < L - 2; i++) {
      mask[i] = 1;
    }
    return new Conditioning(Tensor.of(values(L * D, seed), L, D), Tensor.of(mask, L));
  }

  /** Each output row a non-linear function of its own row's inputs only (batch rows independent). */
  private static Denoiser network(int maxBatch) {
    DenoiserSpec spec = new DenoiserSpec("bits", OutputKind.EDM, 0.5, C, T, H, W, L, D, Optional.empty());
    return new Denoiser() {
      @Override
      public DenoiserSpec spec() {
        return spec;
      }

      @Override
      public int maxBatch() {
        return maxBatch;
      }

      @Override
      public Tensor evaluate(DenoiserInput in) {
        int b = in.batch();
        int n = C * T * H * W;
        float[] out = new float[b * n];
        float[] cn = in.cNoise();
        float[] sg = in.sigma();
        for (int r = 0; r < b; r++) {
          double cond = 0;
          for (int k = 0; k < L * D; k++) {
            cond += in.conditioning().get(r * L * D + k) * in.mask().get(r * L + k / D) * (k % 7 - 3);
          }
          for (int j = 0; j < n; j++) {
            double v = Math.sin(1.3 * in.x().get(r * n + j) + cn[r]) + 0.01 * sg[r] + 0.05 * cond * Math.cos(j);
            if (in.lowRes() != null) {
              v += 0.3 * in.lowRes().get(r * n + j);
            }
            if (in.knownFrames() != null) {
              v += 0.2 * in.knownFrames().get(r * n + j) * in.knownMask().get(r * T + (j / (H * W)) % T);
            }
            out[r * n + j] = (float) v;
          }
        }
        return Tensor.of(out, in.x().shape());
      }

      @Override
      public void close() {}
    };
  }

  // ---- the reference: the sampler and the guided denoiser as they were before their buffers were reused ----

  private static double[] referenceSample(
      SamplerKind kind, Churn churn, double[] noise, double[] sigmas, ReferenceGuidedDenoiser d, NoiseSource[] churnNoise, List<double[]> dens) {
    int n = noise.length;
    int itemSize = n / churnNoise.length;
    double[] x = new double[n];
    for (int j = 0; j < n; j++) {
      x[j] = noise[j] * sigmas[0];
    }
    int steps = sigmas.length - 1;
    double gammaMax = churn.isNone() ? 0 : Math.min(churn.amount() / steps, Math.sqrt(2) - 1);
    for (int i = 0; i < steps; i++) {
      double sigma = sigmas[i];
      double next = sigmas[i + 1];
      double gamma = sigma >= churn.sMin() && sigma <= churn.sMax() ? gammaMax : 0;
      double sigmaHat = sigma * (1 + gamma);
      if (gamma > 0) {
        double scale = Math.sqrt(sigmaHat * sigmaHat - sigma * sigma) * churn.sNoise();
        for (int j = 0; j < n; j++) {
          x[j] += scale * churnNoise[j / itemSize].nextGaussian();
        }
      }
      double[] den = d.denoise(x, sigmaHat);
      double h = next - sigmaHat;
      double[] slope = new double[n];
      double[] xNext = new double[n];
      for (int j = 0; j < n; j++) {
        slope[j] = (x[j] - den[j]) / sigmaHat;
        xNext[j] = x[j] + h * slope[j];
      }
      if (kind == SamplerKind.HEUN && next != 0) {
        double[] den2 = d.denoise(xNext, next);
        for (int j = 0; j < n; j++) {
          double slope2 = (xNext[j] - den2[j]) / next;
          xNext[j] = x[j] + h * 0.5 * (slope[j] + slope2);
        }
      }
      x = xNext;
      dens.add(den.clone());
    }
    return x;
  }

  private static final class ReferenceGuidedDenoiser {
    private record Row(Tensor cond, Tensor mask, Tensor lowRes, Tensor knownFrames, Tensor knownMask) {}

    private final Denoiser denoiser;
    private final DenoiserSpec spec;
    private final List<Row> condRows = new ArrayList<>();
    private final List<Row> uncondRows = new ArrayList<>();
    private final Guidance guidance;
    private final float fps;
    private final int[] shape;
    private final double[] frameScale;
    private final int plane;
    private final int frames;
    private final int itemSize;

    ReferenceGuidedDenoiser(Denoiser denoiser, List<GuidedDenoiser.Item> items, Guidance guidance, float fps) {
      this.denoiser = denoiser;
      this.spec = denoiser.spec();
      int[] v = spec.videoShape();
      this.shape = new int[] {1, v[0], v[1], v[2], v[3]};
      boolean anyKnown = items.stream().anyMatch(i -> i.knownFrames() != null);
      for (GuidedDenoiser.Item it : items) {
        Tensor lr = it.lowRes() == null ? null : it.lowRes().reshape(shape);
        Tensor kf = null;
        Tensor km = null;
        if (anyKnown) {
          kf = it.knownFrames() != null ? it.knownFrames().reshape(shape) : Tensor.zeros(shape);
          km = it.knownMask() != null ? it.knownMask().reshape(1, v[1]) : Tensor.zeros(1, v[1]);
        }
        condRows.add(row(it.cond(), lr, kf, km));
        uncondRows.add(row(it.uncond(), lr, kf, km));
      }
      this.guidance = guidance;
      this.fps = fps;
      this.frames = v[1];
      this.plane = v[2] * v[3];
      this.itemSize = v[0] * v[1] * v[2] * v[3];
      this.frameScale = new double[frames];
      for (int t = 0; t < frames; t++) {
        frameScale[t] = guidance.scale(t, frames);
      }
    }

    private static Row row(Conditioning c, Tensor lowRes, Tensor knownFrames, Tensor knownMask) {
      int l = c.length();
      return new Row(c.tokens().reshape(1, l, c.dim()), c.mask().reshape(1, l), lowRes, knownFrames, knownMask);
    }

    double[] denoise(double[] x, double sigma) {
      int items = condRows.size();
      OutputKind kind = spec.outputKind();
      double sd = spec.sigmaData();
      double cIn = kind.cIn(sigma, sd);
      double cSkip = kind.cSkip(sigma, sd);
      double cOut = kind.cOut(sigma, sd);
      float cNoise = (float) OutputKind.cNoise(sigma);
      boolean guided = !guidance.isIdentity();
      List<Tensor> xs = new ArrayList<>(items);
      for (int i = 0; i < items; i++) {
        float[] xin = new float[itemSize];
        for (int j = 0; j < itemSize; j++) {
          xin[j] = (float) (x[i * itemSize + j] * cIn);
        }
        xs.add(Tensor.of(xin, shape));
      }
      int perItem = guided ? 2 : 1;
      int rows = items * perItem;
      float[][] f = new float[rows][itemSize];
      int maxBatch = Math.max(1, denoiser.maxBatch());
      for (int from = 0; from < rows; from += maxBatch) {
        int to = Math.min(rows, from + maxBatch);
        FloatBuffer o = Tensor.allocate((to - from) * itemSize);
        denoiser.evaluateInto(input(xs, from, to, perItem, (float) sigma, cNoise), o);
        for (int r = from; r < to; r++) {
          o.get((r - from) * itemSize, f[r]);
        }
      }
      double[] result = new double[x.length];
      for (int i = 0; i < items; i++) {
        int base = i * itemSize;
        float[] fc = f[i * perItem];
        if (!guided) {
          for (int j = 0; j < itemSize; j++) {
            result[base + j] = cSkip * x[base + j] + cOut * fc[j];
          }
          continue;
        }
        float[] fu = f[i * perItem + 1];
        for (int j = 0; j < itemSize; j++) {
          double dc = cSkip * x[base + j] + cOut * fc[j];
          double du = cSkip * x[base + j] + cOut * fu[j];
          double w = frameScale[(j / plane) % frames];
          result[base + j] = du + w * (dc - du);
        }
      }
      return result;
    }

    private DenoiserInput input(List<Tensor> xs, int from, int to, int perItem, float sigma, float cNoise) {
      int b = to - from;
      Tensor[] x = new Tensor[b];
      Tensor[] cond = new Tensor[b];
      Tensor[] mask = new Tensor[b];
      Tensor[] lowRes = new Tensor[b];
      Tensor[] known = new Tensor[b];
      Tensor[] knownMask = new Tensor[b];
      float[] sigmas = new float[b];
      float[] cNoises = new float[b];
      for (int r = from; r < to; r++) {
        int item = r / perItem;
        Row row = (r % perItem == 0 ? condRows : uncondRows).get(item);
        int k = r - from;
        x[k] = xs.get(item);
        cond[k] = row.cond();
        mask[k] = row.mask();
        lowRes[k] = row.lowRes();
        known[k] = row.knownFrames();
        knownMask[k] = row.knownMask();
        sigmas[k] = sigma;
        cNoises[k] = cNoise;
      }
      return new DenoiserInput(
          cat(x), sigmas, cNoises, cat(cond), cat(mask), fps, lowRes[0] == null ? null : cat(lowRes),
          known[0] == null ? null : cat(known), knownMask[0] == null ? null : cat(knownMask));
    }

    private static Tensor cat(Tensor[] parts) {
      return parts.length == 1 ? parts[0] : Tensor.concat(parts);
    }
  }
}
