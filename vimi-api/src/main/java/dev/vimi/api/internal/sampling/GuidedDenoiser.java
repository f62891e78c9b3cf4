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
import java.util.Arrays;

/**
 * The denoised estimate of one stage under classifier-free guidance: preconditions the input for the
 * network ({@code c_in}, {@code c_noise}), runs the conditional and (when guidance is not 1) the
 * unconditional branch -- in one batched call if the denoiser takes a batch of two -- recombines
 * {@code D = c_skip x + c_out F} per branch, and guides {@code D = D_u + w_t (D_c - D_u)} with a
 * per-frame scale {@code w_t}. Output shape and finiteness are checked on every call.
 *
 * <p>Not thread-safe (it counts evaluations); one instance per generation.
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
      float[] f = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, cond, condMask, fps, lowRes), 1, sigma);
      for (int j = 0; j < n; j++) {
        out[j] = cSkip * x[j] + cOut * f[j];
      }
      return out;
    }
    float[] fc;
    float[] fu;
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
      float[] f = run(both, 2, sigma);
      fc = Arrays.copyOfRange(f, 0, n);
      fu = Arrays.copyOfRange(f, n, 2 * n);
    } else {
      fc = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, cond, condMask, fps, lowRes), 1, sigma);
      fu = run(new DenoiserInput(xt, new float[] {s}, new float[] {cNoise}, uncond, uncondMask, fps, lowRes), 1, sigma);
    }
    for (int j = 0; j < n; j++) {
      double dc = cSkip * x[j] + cOut * fc[j];
      double du = cSkip * x[j] + cOut * fu[j];
      double w = frameScale[(j / plane) % frames];
      out[j] = du + w * (dc - du);
    }
    return out;
  }

  private float[] run(DenoiserInput in, int batch, double sigma) {
    Tensor out;
    try {
      out = denoiser.evaluate(in);
    } catch (BackendException | dev.vimi.spi.InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendException(
          "denoiser of stage '" + spec.stage() + "' failed at sigma " + sigma + ": " + e.getMessage(), e);
    }
    evaluations++;
    if (out == null || !Arrays.equals(out.shape(), in.x().shape())) {
      throw new BackendException(
          "denoiser of stage '" + spec.stage() + "' returned shape " + (out == null ? "null" : Arrays.toString(out.shape()))
              + " but the input video has shape " + Arrays.toString(in.x().shape())
              + "; check the graph's output name and the stage's frames/height/width in the model manifest");
    }
    int bad = out.firstNonFinite();
    if (bad >= 0) {
      throw new BackendException(
          "denoiser of stage '" + spec.stage() + "' returned a non-finite value (" + out.get(bad) + ") at flat index "
              + bad + " for sigma " + sigma + "; the graph or its inputs are broken (check precision and input ranges)");
    }
    return out.toArray();
  }
}
