package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The denoiser contract as {@link Check}s. Used by {@link DenoiserContractSuite} and {@link
 * CompatRunner}. Owns the denoiser it creates.
 */
public final class DenoiserContract implements AutoCloseable {

  /** Creates the denoiser under test. */
  @FunctionalInterface
  public interface Factory {
    Denoiser create() throws Exception;
  }

  private final Factory factory;
  private final long seed;
  private final double tolerance;
  private final boolean conditioningMatters;
  private Denoiser denoiser;

  public DenoiserContract(Factory factory, long seed, double tolerance, boolean conditioningMatters) {
    this.factory = factory;
    this.seed = seed;
    this.tolerance = tolerance;
    this.conditioningMatters = conditioningMatters;
  }

  private Denoiser denoiser() throws Exception {
    if (denoiser == null) {
      denoiser = factory.create();
      assertThat(denoiser).as("factory returned null").isNotNull();
    }
    return denoiser;
  }

  private String why() {
    return " (seed " + seed + "; reproduce with -Dvimi.compat.seed=" + seed + ")";
  }

  /**
   * A valid input for {@code spec}: Gaussian noise at the given sigmas, preconditioned as the core
   * would, random conditioning with a prefix mask, and a low-res video if the graph takes one.
   */
  public static DenoiserInput input(DenoiserSpec spec, float[] sigmas, long seed, int condVariant) {
    Random rnd = new Random(seed);
    int b = sigmas.length;
    int[] v = spec.videoShape();
    int n = v[0] * v[1] * v[2] * v[3];
    float[] x = new float[b * n];
    float[] cNoise = new float[b];
    for (int i = 0; i < b; i++) {
      double cIn = spec.outputKind().cIn(sigmas[i], spec.sigmaData());
      for (int j = 0; j < n; j++) {
        x[i * n + j] = (float) ((rnd.nextGaussian() * 0.5 + rnd.nextGaussian() * sigmas[i]) * cIn);
      }
      cNoise[i] = (float) OutputKind.cNoise(sigmas[i]);
    }
    int l = spec.conditioningLength();
    int d = spec.conditioningDim();
    Random crnd = new Random(seed * 31 + condVariant);
    float[] cond = new float[b * l * d];
    float[] mask = new float[b * l];
    for (int i = 0; i < b; i++) {
      int valid = 1 + (l > 1 ? crnd.nextInt(l - 1) : 0);
      for (int t = 0; t < l; t++) {
        mask[i * l + t] = t < valid ? 1f : 0f;
        for (int k = 0; k < d; k++) {
          cond[(i * l + t) * d + k] = t < valid ? (float) crnd.nextGaussian() : 0f;
        }
      }
    }
    Tensor lowRes = null;
    boolean needsLowRes =
        spec.graph().map(g -> g.inputs().stream().anyMatch(in -> in.role() == InputRole.LOW_RES_VIDEO)).orElse(false);
    if (needsLowRes) {
      float[] lr = new float[b * n];
      for (int j = 0; j < lr.length; j++) {
        lr[j] = (float) Math.max(-1, Math.min(1, rnd.nextGaussian() * 0.5));
      }
      lowRes = Tensor.of(lr, b, v[0], v[1], v[2], v[3]);
    }
    return new DenoiserInput(
        Tensor.of(x, b, v[0], v[1], v[2], v[3]), sigmas, cNoise, Tensor.of(cond, b, l, d), Tensor.of(mask, b, l), 24f, lowRes);
  }

  public List<Check> checks() {
    return List.of(
        new Check("the output has the shape of the input video and finite values", this::shapeAndFinite),
        new Check("evaluation is deterministic", this::deterministic),
        new Check("batch elements are independent (a batch equals its elements evaluated alone)", this::batchIndependent),
        new Check("concurrent evaluations agree with a sequential one", this::concurrent),
        new Check("the output depends on the conditioning", this::conditioning),
        new Check("maxBatch() is at least 1", this::maxBatch),
        new Check("evaluateInto writes what evaluate returns, at [0, size) of the buffer only", this::evaluateInto));
  }

  private void shapeAndFinite() throws Exception {
    Denoiser d = denoiser();
    for (float sigma : new float[] {80f, 1f, 0.002f}) {
      DenoiserInput in = input(d.spec(), new float[] {sigma}, seed, 0);
      Tensor out = d.evaluate(in);
      assertThat(out.shape()).as("output shape at sigma %s%s", sigma, why()).containsExactly(in.x().shape());
      assertThat(out.firstNonFinite()).as("first non-finite output at sigma %s%s", sigma, why()).isEqualTo(-1);
    }
  }

  private void deterministic() throws Exception {
    Denoiser d = denoiser();
    DenoiserInput in = input(d.spec(), new float[] {2.5f}, seed, 0);
    assertThat(d.evaluate(in).toArray()).as("repeat" + why()).isEqualTo(d.evaluate(in).toArray());
  }

  private void batchIndependent() throws Exception {
    Denoiser d = denoiser();
    if (d.maxBatch() < 2) {
      return;
    }
    DenoiserInput both = input(d.spec(), new float[] {3f, 0.3f}, seed, 0);
    Tensor out = d.evaluate(both);
    for (int i = 0; i < 2; i++) {
      DenoiserInput one =
          new DenoiserInput(
              both.x().slice(i, i + 1),
              new float[] {both.sigma()[i]},
              new float[] {both.cNoise()[i]},
              both.conditioning().slice(i, i + 1),
              both.mask().slice(i, i + 1),
              both.fps(),
              both.lowRes() == null ? null : both.lowRes().slice(i, i + 1));
      float[] alone = d.evaluate(one).toArray();
      float[] inBatch = out.slice(i, i + 1).toArray();
      assertThat(maxAbsDiff(alone, inBatch)).as("batch element %d vs alone%s", i, why()).isLessThanOrEqualTo(tolerance);
    }
  }

  private void concurrent() throws Exception {
    Denoiser d = denoiser();
    DenoiserInput in = input(d.spec(), new float[] {1.5f}, seed, 0);
    float[] expected = d.evaluate(in).toArray();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> d.evaluate(in).toArray()));
      }
      for (Future<float[]> f : fs) {
        assertThat(maxAbsDiff(f.get(), expected)).as("concurrent vs sequential" + why()).isLessThanOrEqualTo(tolerance);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void conditioning() throws Exception {
    if (!conditioningMatters) {
      return;
    }
    Denoiser d = denoiser();
    float[] a = d.evaluate(input(d.spec(), new float[] {1f}, seed, 1)).toArray();
    float[] b = d.evaluate(input(d.spec(), new float[] {1f}, seed, 2)).toArray();
    assertThat(maxAbsDiff(a, b)).as("output change when the conditioning changes" + why()).isGreaterThan(tolerance);
  }

  private void maxBatch() throws Exception {
    assertThat(denoiser().maxBatch()).isGreaterThanOrEqualTo(1);
  }

  private void evaluateInto() throws Exception {
    Denoiser d = denoiser();
    int b = Math.min(2, d.maxBatch());
    DenoiserInput in = input(d.spec(), b == 2 ? new float[] {2f, 0.5f} : new float[] {2f}, seed, 0);
    float[] expected = d.evaluate(in).toArray();
    int n = expected.length;
    // a direct buffer (what the core passes) and a heap one, each with room to spare and a position and
    // limit that the call must neither use nor change
    for (FloatBuffer out : new FloatBuffer[] {Tensor.allocate(n + 5), FloatBuffer.allocate(n + 5)}) {
      for (int i = 0; i < n + 5; i++) {
        out.put(i, -7f);
      }
      out.position(3).limit(4);
      d.evaluateInto(in, out);
      FloatBuffer all = out.duplicate().clear();
      float[] got = new float[n];
      all.get(0, got);
      assertThat(got).as("evaluateInto vs evaluate, %s buffer%s", out.isDirect() ? "direct" : "heap", why()).isEqualTo(expected);
      for (int i = n; i < n + 5; i++) {
        assertThat(all.get(i)).as("value %d after the output%s", i, why()).isEqualTo(-7f);
      }
      assertThat(out.position()).isEqualTo(3);
      assertThat(out.limit()).isEqualTo(4);
    }
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertThat(a.length).isEqualTo(b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  @Override
  public void close() {
    if (denoiser != null) {
      denoiser.close();
      denoiser.close();
      denoiser = null;
    }
  }
}
