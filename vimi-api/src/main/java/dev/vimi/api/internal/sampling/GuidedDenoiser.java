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
import java.util.Arrays;
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
 * shape and finiteness are checked on every call.
 *
 * <p><b>No allocation per step.</b> What does not change from step to step (the conditioning, masks,
 * low-res video and known frames of every call's rows) is batched once, on the first evaluation. The
 * noisy-video input of each call lives in one direct buffer that every evaluation rewrites: the
 * denoiser contract says a denoiser does not retain its input, so the tensor wrapping it (a new
 * wrapper per call) is dead when the buffer is written again. The network writes into one output
 * buffer this instance allocates once ({@link Denoiser#evaluateInto}); the rows' arrays are reused
 * too.
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
  private final float fps;
  private final Cancellation cancellation;
  private final int[] shape;
  private final double[] frameScale;
  private final int plane;
  private final int frames;
  private final int itemSize;
  private final boolean guided;
  private int evaluations;
  /** The network's output for one call of up to maxBatch rows; allocated on first use. */
  private FloatBuffer out;
  /** Each row's output, reused across steps. */
  private float[][] f;
  /** The network calls of one evaluation and their inputs; built on first use. */
  private Chunk[] chunks;
  /** One item's c_in * x in float, reused. */
  private float[] scaled;

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
    this.guided = !guidance.isIdentity();
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
  public void denoiseInto(double[] x, double sigma, double[] result) {
    cancellation.check("at sigma " + sigma + " of stage '" + spec.stage() + "'");
    int items = condRows.size();
    if (x.length != items * itemSize) {
      throw new IllegalArgumentException("x has " + x.length + " values, not " + items + " x " + itemSize);
    }
    if (result.length != x.length || result == x) {
      throw new IllegalArgumentException("the result array must be another array of " + x.length + " values");
    }
    OutputKind kind = spec.outputKind();
    double sd = spec.sigmaData();
    double cIn = kind.cIn(sigma, sd);
    double cSkip = kind.cSkip(sigma, sd);
    double cOut = kind.cOut(sigma, sd);
    float cNoise = (float) OutputKind.cNoise(sigma);
    // rows: cond 0, uncond 0, cond 1, uncond 1, ... (cond only when unguided)
    int perItem = guided ? 2 : 1;
    int rows = items * perItem;
    if (chunks == null) {
      chunks = chunks(rows, perItem, Math.max(1, denoiser.maxBatch()));
      f = new float[rows][itemSize];
      scaled = new float[itemSize];
    }
    for (Chunk c : chunks) {
      // the network input c_in * x in float, written into the chunk's reused buffer; an item's unconditional
      // row is a copy of its conditional row
      for (int r = c.from; r < c.to; r++) {
        int k = r - c.from;
        if (r % perItem == 1 && k > 0) {
          c.x.put(k * itemSize, c.x, (k - 1) * itemSize, itemSize);
          continue;
        }
        int base = (r / perItem) * itemSize;
        for (int j = 0; j < itemSize; j++) {
          scaled[j] = (float) (x[base + j] * cIn);
        }
        c.x.put(k * itemSize, scaled, 0, itemSize);
      }
      Arrays.fill(c.sigmas, (float) sigma);
      Arrays.fill(c.cNoises, cNoise);
      DenoiserInput in =
          new DenoiserInput(
              Tensor.wrap(c.x.duplicate().clear(), c.shape), c.sigmas, c.cNoises, c.cond, c.mask, fps, c.lowRes, c.known, c.knownMask);
      FloatBuffer o = run(in, sigma);
      for (int r = c.from; r < c.to; r++) {
        int k = r - c.from;
        o.get(k * itemSize, f[r]);
        checkFinite(f[r], k * itemSize, sigma);
      }
    }
    int channels = itemSize / (frames * plane);
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
      int j = 0;
      for (int ch = 0; ch < channels; ch++) {
        for (int t = 0; t < frames; t++) {
          double w = frameScale[t];
          for (int end = j + plane; j < end; j++) {
            double dc = cSkip * x[base + j] + cOut * fc[j];
            double du = cSkip * x[base + j] + cOut * fu[j];
            result[base + j] = du + w * (dc - du);
          }
        }
      }
    }
  }

  /**
   * The network calls of one evaluation, rows {@code [from, to)} each: what does not change from step to
   * step (conditioning, masks, low-res video, known frames) batched once, and the noisy-video buffer that
   * every call rewrites.
   */
  private Chunk[] chunks(int rows, int perItem, int maxBatch) {
    List<Chunk> out = new ArrayList<>();
    for (int from = 0; from < rows; from += maxBatch) {
      int to = Math.min(rows, from + maxBatch);
      int b = to - from;
      Tensor[] cond = new Tensor[b];
      Tensor[] mask = new Tensor[b];
      Tensor[] lowRes = new Tensor[b];
      Tensor[] known = new Tensor[b];
      Tensor[] knownMask = new Tensor[b];
      for (int r = from; r < to; r++) {
        Row row = (r % perItem == 0 ? condRows : uncondRows).get(r / perItem);
        int k = r - from;
        cond[k] = row.cond();
        mask[k] = row.mask();
        lowRes[k] = row.lowRes();
        known[k] = row.knownFrames();
        knownMask[k] = row.knownMask();
      }
      int[] s = shape.clone();
      s[0] = b;
      out.add(
          new Chunk(
              from, to, s, Tensor.allocate(b * itemSize), new float[b], new float[b], cat(cond), cat(mask),
              lowRes[0] == null ? null : cat(lowRes), known[0] == null ? null : cat(known),
              knownMask[0] == null ? null : cat(knownMask)));
    }
    return out.toArray(Chunk[]::new);
  }

  /** One network call's rows and inputs; {@code x} is rewritten by every evaluation. */
  private record Chunk(
      int from, int to, int[] shape, FloatBuffer x, float[] sigmas, float[] cNoises, Tensor cond, Tensor mask, Tensor lowRes,
      Tensor known, Tensor knownMask) {}

  private static Tensor cat(Tensor[] parts) {
    return parts.length == 1 ? parts[0] : Tensor.concat(parts);
  }

  private void checkFinite(float[] row, int offset, double sigma) {
    for (int j = 0; j < row.length; j++) {
      float v = row[j];
      if (!Float.isFinite(v)) {
        throw new BackendException(
            "denoiser of stage '" + spec.stage() + "' returned a non-finite value (" + v + ") at flat index "
                + (offset + j) + " for sigma " + sigma + "; the graph or its inputs are broken (check precision and input ranges)");
      }
    }
  }

  /** Runs the network into the reused output buffer and returns it. */
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
    return out;
  }
}
