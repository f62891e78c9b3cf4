package dev.vimi.compat.reference;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Base of the oracle denoisers: networks whose ideal denoised estimate {@code D(x; sigma)} is known in
 * closed form. It undoes the core's input scaling, computes the exact D, and returns what a network
 * of the spec's {@link OutputKind} would output, so the whole sampler path (preconditioning,
 * guidance, Heun steps) is exercised against an exact answer. Immutable and thread-safe.
 */
abstract class OracleDenoiser implements Denoiser {
  private final DenoiserSpec spec;
  private final int maxBatch;
  private volatile boolean closed;

  OracleDenoiser(DenoiserSpec spec, int maxBatch) {
    this.spec = spec;
    this.maxBatch = maxBatch;
  }

  /** The exact posterior mean E[x0 | x] of one element at noise level sigma, for conditioning shift c. */
  abstract double denoise(double x, double sigma, double shift);

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
    if (closed) {
      throw new IllegalStateException("denoiser for stage '" + spec.stage() + "' is closed");
    }
    checkInput(spec, maxBatch, in);
    int[] got = in.x().shape();
    OutputKind kind = spec.outputKind();
    double sd = spec.sigmaData();
    int n = in.x().size() / in.batch();
    FloatBuffer out = Tensor.allocate(in.x().size());
    float[] sigmas = in.sigma();
    for (int b = 0; b < in.batch(); b++) {
      double sigma = sigmas[b];
      double cIn = kind.cIn(sigma, sd);
      double cSkip = kind.cSkip(sigma, sd);
      double cOut = kind.cOut(sigma, sd);
      double shift = Conditioned.shift(in, b);
      for (int j = 0; j < n; j++) {
        int idx = b * n + j;
        double x = in.x().get(idx) / cIn;
        double d = denoise(x, sigma, shift);
        out.put(idx, (float) ((d - cSkip * x) / cOut));
      }
    }
    return Tensor.wrap(out, got);
  }

  /**
   * The input checks every oracle makes (the denoiser contract's promises): the video and
   * conditioning shapes fit the spec, the batch fits {@code maxBatch}, and the values are finite.
   */
  static void checkInput(DenoiserSpec spec, int maxBatch, DenoiserInput in) {
    int[] expected = spec.videoShape();
    if (!Arrays.equals(Arrays.copyOfRange(in.x().shape(), 1, 5), expected)) {
      throw new InvalidInputException(
          "x", "stage '" + spec.stage() + "' takes videos " + Arrays.toString(expected) + " but got " + in.x());
    }
    if (in.conditioning().dim(1) != spec.conditioningLength() || in.conditioning().dim(2) != spec.conditioningDim()) {
      throw new InvalidInputException(
          "conditioning",
          "stage '" + spec.stage() + "' takes conditionings [B, " + spec.conditioningLength() + ", " + spec.conditioningDim()
              + "] but got " + in.conditioning());
    }
    requireFinite(spec, "x", in.x());
    requireFinite(spec, "conditioning", in.conditioning());
    if (in.batch() > maxBatch) {
      throw new InvalidInputException("x", "batch " + in.batch() + " exceeds maxBatch " + maxBatch);
    }
  }

  private static void requireFinite(DenoiserSpec spec, String field, Tensor t) {
    int bad = t.firstNonFinite();
    if (bad >= 0) {
      throw new InvalidInputException(
          field, "stage '" + spec.stage() + "': " + field + " holds " + t.get(bad) + " at flat index " + bad + "; inputs must be finite");
    }
  }

  /** Marks the denoiser closed (it holds no resources); later evaluations are refused. Idempotent. */
  @Override
  public void close() {
    closed = true;
  }
}
