package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import dev.vimi.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The denoiser contract as {@link Check}s. Used by {@link DenoiserContractSuite} and {@link
 * CompatRunner}. Not thread-safe (the concurrency check starts its own threads). Owns the denoisers
 * it creates: one for most checks, closed twice in {@link #close()}, and one more for each lifecycle
 * check, so the factory must return a new denoiser on each call.
 */
public final class DenoiserContract implements AutoCloseable {

  /** Creates a new denoiser under test on each call. */
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
        Check.of("outputHasTheInputShapeAndFiniteValues", "the output has the shape of the input video and finite values", this::shapeAndFinite),
        Check.of("evaluationIsDeterministic", "the same input gives the same output", this::deterministic),
        Check.of("batchElementsAreIndependent", "a batch equals its elements evaluated alone", this::batchIndependent),
        Check.race("concurrentEvaluationsAgreeWithSingleThreaded", "evaluations from many threads at once equal the single-threaded ones (the denoiser is thread-safe)", this::concurrent),
        Check.of("outputDependsOnTheConditioning", "the output depends on the conditioning", this::conditioning),
        Check.of("maxBatchIsAtLeastOne", "maxBatch() is at least 1", this::maxBatch),
        Check.of("evaluateIntoWritesWhatEvaluateReturns", "evaluateInto writes what evaluate returns, at [0, size) of the buffer only", this::evaluateInto),
        Check.of("closedDenoiserRefusesWork", "a closed denoiser refuses evaluate() with IllegalStateException", this::closedRefuses),
        Check.of("closeTwiceIsSafe", "close() twice is safe", this::closeTwice),
        Check.of("wrongShapeIsInvalidInput", "an input whose video or conditioning shape does not fit the spec is an InvalidInputException", this::wrongShape),
        Check.of("nonFiniteInputIsInvalidInput", "an input holding NaN or infinity is an InvalidInputException", this::nonFinite));
  }

  private void shapeAndFinite() throws Exception {
    Denoiser d = denoiser();
    for (float sigma : new float[] {80f, 1f, 0.002f}) {
      DenoiserInput in = input(d.spec(), new float[] {sigma}, seed, 0);
      Tensor out = d.evaluate(in);
      assertThat(out.shape()).as("output shape at sigma %s", sigma).containsExactly(in.x().shape());
      assertThat(out.firstNonFinite()).as("first non-finite output at sigma %s", sigma).isEqualTo(-1);
    }
  }

  private void deterministic() throws Exception {
    Denoiser d = denoiser();
    DenoiserInput in = input(d.spec(), new float[] {2.5f}, seed, 0);
    assertThat(d.evaluate(in).toArray()).as("a repeat of one input").isEqualTo(d.evaluate(in).toArray());
  }

  private void batchIndependent() throws Exception {
    Denoiser d = denoiser();
    assumeTrue(d.maxBatch() >= 2, "maxBatch() is 1: the denoiser takes no batches");
    DenoiserInput both = input(d.spec(), new float[] {3f, 0.3f}, seed, 0);
    Tensor out = d.evaluate(both);
    for (int i = 0; i < 2; i++) {
      float[] alone = d.evaluate(element(both, i)).toArray();
      float[] inBatch = out.slice(i, i + 1).toArray();
      assertThat(maxAbsDiff(alone, inBatch)).as("largest difference of batch element %d from it alone", i).isLessThanOrEqualTo(tolerance);
    }
  }

  private static DenoiserInput element(DenoiserInput in, int i) {
    return new DenoiserInput(
        in.x().slice(i, i + 1),
        new float[] {in.sigma()[i]},
        new float[] {in.cNoise()[i]},
        in.conditioning().slice(i, i + 1),
        in.mask().slice(i, i + 1),
        in.fps(),
        in.lowRes() == null ? null : in.lowRes().slice(i, i + 1));
  }

  /** 8 threads start together and evaluate 6 inputs 3 times each, in their own orders. */
  private void concurrent() throws Exception {
    Denoiser d = denoiser();
    float[] sigmas = {80f, 10f, 1.5f, 0.5f, 0.05f, 0.002f};
    List<DenoiserInput> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < sigmas.length; i++) {
      DenoiserInput in = input(d.spec(), new float[] {sigmas[i]}, seed + i, i);
      inputs.add(in);
      expected.add(d.evaluate(in).toArray());
    }
    int threads = 8;
    int rounds = 3;
    CountDownLatch start = new CountDownLatch(1);
    List<String> differences = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  List<Integer> order = new ArrayList<>();
                  for (int i = 0; i < inputs.size(); i++) {
                    order.add(i);
                  }
                  Random rnd = new Random(seed + thread);
                  start.await();
                  for (int r = 0; r < rounds; r++) {
                    Collections.shuffle(order, rnd);
                    for (int i : order) {
                      try {
                        double diff = maxAbsDiff(d.evaluate(inputs.get(i)).toArray(), expected.get(i));
                        if (!(diff <= tolerance)) {
                          differences.add("input at sigma " + sigmas[i] + " differs by " + diff + " (tolerance " + tolerance + ")");
                        }
                      } catch (RuntimeException | AssertionError e) {
                        differences.add("input at sigma " + sigmas[i] + " threw " + e);
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    if (!differences.isEmpty()) {
      throw new AssertionError(
          differences.size() + " of " + threads * rounds * inputs.size() + " evaluations made by " + threads
              + " threads at once differ from the single-threaded ones; the first: " + differences.get(0));
    }
  }

  private void conditioning() throws Exception {
    assumeTrue(conditioningMatters, "the denoiser declares that it does not read the conditioning");
    Denoiser d = denoiser();
    float[] a = d.evaluate(input(d.spec(), new float[] {1f}, seed, 1)).toArray();
    float[] b = d.evaluate(input(d.spec(), new float[] {1f}, seed, 2)).toArray();
    assertThat(maxAbsDiff(a, b)).as("largest output change when the conditioning changes").isGreaterThan(tolerance);
  }

  private void maxBatch() throws Exception {
    assertThat(denoiser().maxBatch()).as("maxBatch()").isGreaterThanOrEqualTo(1);
  }

  private Denoiser fresh() throws Exception {
    Denoiser d = factory.create();
    assertThat(d).as("the factory's denoiser").isNotNull();
    assertThat(d).as("the factory must return a new denoiser on each call (the lifecycle checks close theirs)").isNotSameAs(denoiser);
    return d;
  }

  private void closedRefuses() throws Exception {
    Denoiser d = fresh();
    DenoiserInput in = input(d.spec(), new float[] {1f}, seed, 0);
    d.close();
    Tensor out;
    try {
      out = d.evaluate(in);
    } catch (IllegalStateException expected) {
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("evaluate() after close() threw " + e + " instead of IllegalStateException", e);
    }
    throw new AssertionError(
        "evaluate() after close() returned a result " + out + "; a closed denoiser has released its resources and must"
            + " refuse work with IllegalStateException");
  }

  private void closeTwice() throws Exception {
    Denoiser d = fresh();
    d.close();
    try {
      d.close();
    } catch (RuntimeException e) {
      throw new AssertionError("the second close() threw " + e + "; close() must be idempotent", e);
    }
  }

  private void wrongShape() throws Exception {
    Denoiser d = denoiser();
    DenoiserSpec s = d.spec();
    DenoiserInput ok = input(s, new float[] {1f}, seed, 0);
    int[] v = s.videoShape();
    int[] wider = {1, v[0], v[1], v[2], v[3] + 1};
    Tensor x = Tensor.of(new float[Math.multiplyExact(v[0] * v[1] * v[2], v[3] + 1)], wider);
    Tensor lowRes = ok.lowRes() == null ? null : Tensor.of(new float[x.size()], wider);
    expectInvalid(d, new DenoiserInput(x, ok.sigma(), ok.cNoise(), ok.conditioning(), ok.mask(), ok.fps(), lowRes),
        "a video of shape " + java.util.Arrays.toString(wider) + " where the spec takes [B, " + v[0] + ", " + v[1] + ", " + v[2] + ", " + v[3] + "]");
    int l = s.conditioningLength() + 1;
    int dim = s.conditioningDim();
    Tensor cond = Tensor.of(new float[l * dim], 1, l, dim);
    Tensor mask = Tensor.of(new float[l], 1, l);
    expectInvalid(d, new DenoiserInput(ok.x(), ok.sigma(), ok.cNoise(), cond, mask, ok.fps(), ok.lowRes()),
        "a conditioning of shape [1, " + l + ", " + dim + "] where the spec takes [B, " + s.conditioningLength() + ", " + dim + "]");
  }

  private void nonFinite() throws Exception {
    Denoiser d = denoiser();
    DenoiserInput ok = input(d.spec(), new float[] {1f}, seed, 0);
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] x = ok.x().toArray();
      x[x.length / 2] = bad;
      expectInvalid(d, new DenoiserInput(Tensor.of(x, ok.x().shape()), ok.sigma(), ok.cNoise(), ok.conditioning(), ok.mask(), ok.fps(), ok.lowRes()),
          "a video holding " + bad + " at flat index " + x.length / 2);
      float[] c = ok.conditioning().toArray();
      c[0] = bad;
      expectInvalid(d, new DenoiserInput(ok.x(), ok.sigma(), ok.cNoise(), Tensor.of(c, ok.conditioning().shape()), ok.mask(), ok.fps(), ok.lowRes()),
          "a conditioning holding " + bad + " at flat index 0");
    }
  }

  private static void expectInvalid(Denoiser d, DenoiserInput in, String what) {
    Tensor out;
    try {
      out = d.evaluate(in);
    } catch (InvalidInputException expected) {
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(what + ": evaluate() threw " + e + " instead of InvalidInputException", e);
    }
    throw new AssertionError(what + ": evaluate() returned " + out + " instead of refusing it with InvalidInputException");
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
      assertThat(got).as("evaluateInto vs evaluate, %s buffer", out.isDirect() ? "direct" : "heap").isEqualTo(expected);
      for (int i = n; i < n + 5; i++) {
        assertThat(all.get(i)).as("value %d after the output", i).isEqualTo(-7f);
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
