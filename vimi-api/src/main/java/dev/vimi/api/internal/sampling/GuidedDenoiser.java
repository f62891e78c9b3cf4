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
import java.util.ArrayList;
import java.util.List;

/**
 * The denoised estimate of one stage under classifier-free guidance, for a batch of items sampled
 * together: preconditions each item's input for the network ({@code c_in}, {@code c_noise}), runs
 * the conditional and (when guidance is not 1) the unconditional branch of every item -- rows {@code
 * [cond 0, uncond 0, cond 1, uncond 1, ...]} in calls of at most {@link Denoiser#maxBatch()} rows --
 * recombines {@code D = c_skip x + c_out F} per row, and guides {@code D = D_u + w_t (D_c - D_u)}
 * with a per-frame scale {@code w_t}. The unconditional branch is conditioned on the item's negative
 * prompt when it has one (otherwise the empty conditioning) and sees the same low-res video and the
 * same known frames as the conditional one: guidance is about the prompt, not the frames. Output
 * shape and finiteness are checked on every call. The network writes into one output buffer this
 * instance allocates once and reuses ({@link Denoiser#evaluateInto}); the rows' arrays are reused
 * from step to step too.
 *
 * <p>Not thread-safe (it counts evaluations and owns its buffers); one instance per generation.
 */
public final class GuidedDenoiser implements DenoiseFunction {

  /**
   * What one item's rows carry besides the noisy video.
   *
   * @param cond the prompt's conditioning
   * @param uncond the unconditional branch's conditioning (empty, or the negative prompt's)
   * @param lowRes the previous stage's output resized to this stage, {@code [C, T, H, W]}, or null
   * @param knownFrames conditioning frames {@code [C, T, H, W]}, or null
   * @param knownMask their mask {@code [T]}, null exactly when {@code knownFrames} is
   */
  public record Item(Conditioning cond, Conditioning uncond, Tensor lowRes, Tensor knownFrames, Tensor knownMask) {}

  private record Row(Tensor cond, Tensor mask, Tensor lowRes, Tensor knownFrames, Tensor knownMask) {}

  private final Denoiser denoiser;
  private final DenoiserSpec spec;
  private final List<Row> condRows = new ArrayList<>();
  private final List<Row> uncondRows = new ArrayList<>();
  private final Guidance guidance;
  private final float fps;
  private final Cancellation cancellation;
  private final int[] shape;
  private final double[] frameScale;
  private final int plane;
  private final int frames;
  private final int itemSize;
  private int evaluations;
  /** The network's output for one call of up to maxBatch rows; allocated on first use. */
  private FloatBuffer out;
  /** Each row's output, reused across steps. */
  private float[][] f;

  /**
   * One item.
   *
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
    this(denoiser, List.of(new Item(cond, uncond, lowRes, null, null)), guidance, fps, cancellation);
  }

  /** A batch of items, sampled back to back in one array. */
  public GuidedDenoiser(Denoiser denoiser, List<Item> items, Guidance guidance, float fps, Cancellation cancellation) {
    this.denoiser = denoiser;
    this.spec = denoiser.spec();
    int[] v = spec.videoShape();
    this.shape = new int[] {1, v[0], v[1], v[2], v[3]};
    boolean anyKnown = items.stream().anyMatch(i -> i.knownFrames() != null);
    for (Item it : items) {
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
    this.cancellation = cancellation;
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

  /** Network calls made so far. */
  public int evaluations() {
    return evaluations;
  }

  @Override
  public double[] denoise(double[] x, double sigma) {
    cancellation.check("at sigma " + sigma + " of stage '" + spec.stage() + "'");
    int items = condRows.size();
    if (x.length != items * itemSize) {
      throw new IllegalArgumentException("x has " + x.length + " values, not " + items + " x " + itemSize);
    }
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
    // rows: cond 0, uncond 0, cond 1, uncond 1, ... (cond only when unguided)
    int perItem = guided ? 2 : 1;
    int rows = items * perItem;
    if (f == null || f.length != rows) {
      f = new float[rows][itemSize];
    }
    int maxBatch = Math.max(1, denoiser.maxBatch());
    for (int from = 0; from < rows; from += maxBatch) {
      int to = Math.min(rows, from + maxBatch);
      FloatBuffer o = run(input(xs, from, to, perItem, (float) sigma, cNoise), sigma);
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

  /** Runs the network into the reused output buffer and returns it, after checking that the output is finite. */
  private FloatBuffer run(DenoiserInput in, double sigma) {
    int n = in.x().size();
    if (out == null || out.capacity() < n) {
      out = Tensor.allocate(n);
    }
    try {
      denoiser.evaluateInto(in, out);
    } catch (BackendException | dev.vimi.spi.InvalidInputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendException(
          "denoiser of stage '" + spec.stage() + "' failed at sigma " + sigma + ": " + e.getMessage(), e);
    }
    evaluations++;
    for (int i = 0; i < n; i++) {
      float v = out.get(i);
      if (!Float.isFinite(v)) {
        throw new BackendException(
            "denoiser of stage '" + spec.stage() + "' returned a non-finite value (" + v + ") at flat index "
                + i + " for sigma " + sigma + "; the graph or its inputs are broken (check precision and input ranges)");
      }
    }
    return out;
  }
}
