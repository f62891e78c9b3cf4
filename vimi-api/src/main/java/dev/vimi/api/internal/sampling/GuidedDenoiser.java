package dev.vimi.api.internal.sampling;

import dev.vimi.api.Cancellation;
import dev.vimi.api.Guidance;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The denoised estimate of one stage under classifier-free guidance: preconditions the input for the
 * network ({@code c_in}, {@code c_noise}), runs the conditional and (when guidance is not 1) the
 * unconditional branch -- in one batched call if the denoiser takes a batch of two -- recombines
 * {@code D = c_skip x + c_out F} per branch, and guides {@code D = D_u + w_t (D_c - D_u)} with a
 * per-frame scale {@code w_t}. Output shape and finiteness are checked on every call. The network
 * writes into output buffers this instance allocates once and reuses ({@link
 * Denoiser#evaluateInto}).
 *
 * <p>Not thread-safe (it counts evaluations and owns the output buffers); one instance per generation.
 */
public final class GuidedDenoiser implements DenoiseFunction {
  private final Denoiser denoiser;
  private final DenoiserSpec spec;
  private final Tensor cond;
  private final Tensor condMask;
  private final Tensor uncond;
  private final Tensor uncondMask;
  private final Guidance guidance;
  private final float fps;
  private final Tensor lowRes;
  private final Cancellation cancellation;
  private final int[] shape;
  private final double[] frameScale;
  private final int plane;
  private final int frames;
  private int evaluations;
  /** Output of the conditional branch, or of both branches in one batch. */
  private FloatBuffer out1;
  /** Output of the unconditional branch when the denoiser takes one element per call. */
  private FloatBuffer out2;

  /**
   * @param lowRes the previous stage's output resized to this stage, {@code [C, T, H, W]}, or null
   */
  public GuidedDenoiser(
      Denoiser denoiser,
      Conditioning cond,
      Conditioning uncond,
      Guidance guidance,
      float fps,
      Tensor lowRes,
      Cancellation cancellation) {
    this.denoiser = denoiser;
    this.spec = denoiser.spec();
    int l = cond.length();
    int d = cond.dim();
    this.cond = cond.tokens().reshape(1, l, d);
    this.condMask = cond.mask().reshape(1, l);
    this.uncond = uncond.tokens().reshape(1, l, d);
    this.uncondMask = uncond.mask().reshape(1, l);
    this.guidance = guidance;
    this.fps = fps;
    int[] v = spec.videoShape();
    this.shape = new int[] {1, v[0], v[1], v[2], v[3]};
    this.lowRes = lowRes == null ? null : lowRes.reshape(shape);
    this.cancellation = cancellation;
    this.frames = v[1];
    this.plane = v[2] * v[3];
    this.frameScale = new double[frames];
    for (int t = 0; t < frames; t++) {
      frameScale[t] = guidance.scale(t, frames);
    }
  }

  /** Network calls made so far. */
  public int evaluations() {
    return evaluations;
  }

  @Override
  public double[] denoise(double[] x, double sigma) {
    cancellation.check("at sigma " + sigma + " of stage '" + spec.stage() + "'");
    OutputKind kind = spec.outputKind();
    double sd = spec.sigmaData();
    double cIn = kind.cIn(sigma, sd);
    double cSkip = kind.cSkip(sigma, sd);
    double cOut = kind.cOut(sigma, sd);
    float cNoise = (float) OutputKind.cNoise(sigma);
    int n = x.length;
    float[] xin = new float[n];
    for (int j = 0; j < n; j++) {
      xin[j] = (float) (x[j] * cIn);
    }
    Tensor xt = Tensor.of(xin, shape);
    float s = (float) sigma;
    double[] out = new double[n];
    if (guidance.isIdentity()) {
      out1 = buffer(out1, n);
      FloatBuffer f = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, cond, condMask, fps, lowRes), out1, sigma);
      for (int j = 0; j < n; j++) {
        out[j] = cSkip * x[j] + cOut * f.get(j);
      }
      return out;
    }
    FloatBuffer fc;
    FloatBuffer fu;
    int uAt;
    if (denoiser.maxBatch() >= 2) {
      DenoiserInput both =
          new DenoiserInput(
              Tensor.concat(xt, xt),
              new float[] {s, s},
              new float[] {cNoise, cNoise},
              Tensor.concat(cond, uncond),
              Tensor.concat(condMask, uncondMask),
              fps,
              lowRes == null ? null : Tensor.concat(lowRes, lowRes));
      out1 = buffer(out1, 2 * n);
      fc = run(both, out1, sigma);
      fu = fc;
      uAt = n;
    } else {
      out1 = buffer(out1, n);
      out2 = buffer(out2, n);
      fc = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, cond, condMask, fps, lowRes), out1, sigma);
      fu = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, uncond, uncondMask, fps, lowRes), out2, sigma);
      uAt = 0;
    }
    for (int j = 0; j < n; j++) {
      double dc = cSkip * x[j] + cOut * fc.get(j);
      double du = cSkip * x[j] + cOut * fu.get(uAt + j);
      double w = frameScale[(j / plane) % frames];
      out[j] = du + w * (dc - du);
    }
    return out;
  }

  /** {@code b} if it holds {@code n} values, else a new direct buffer of {@code n}. */
  private static FloatBuffer buffer(FloatBuffer b, int n) {
    return b != null && b.capacity() >= n ? b : Tensor.allocate(n);
  }

  /** Runs the network into {@code dst} and returns it, after checking that the output is finite. */
  private FloatBuffer run(DenoiserInput in, FloatBuffer dst, double sigma) {
    try {
      denoiser.evaluateInto(in, dst);
    } catch (BackendException | dev.vimi.spi.InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendException(
          "denoiser of stage '" + spec.stage() + "' failed at sigma " + sigma + ": " + e.getMessage(), e);
    }
    evaluations++;
    int n = in.x().size();
    for (int i = 0; i < n; i++) {
      float v = dst.get(i);
      if (!Float.isFinite(v)) {
        throw new BackendException(
            "denoiser of stage '" + spec.stage() + "' returned a non-finite value (" + v + ") at flat index "
                + i + " for sigma " + sigma + "; the graph or its inputs are broken (check precision and input ranges)");
      }
    }
    return dst;
  }
}
