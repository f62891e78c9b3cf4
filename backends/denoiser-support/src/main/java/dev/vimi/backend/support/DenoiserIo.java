package dev.vimi.backend.support;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;

/**
 * The engine-independent half of a denoiser backend: what each input role holds for a {@link
 * DenoiserInput}, and the checks on the network's output. Stateless.
 */
public final class DenoiserIo {
  private DenoiserIo() {}

  /**
   * One input's values as float32 and its shape. Tensor roles share the input tensor's direct buffer
   * (ONNX Runtime binds it without a copy); the small per-element vectors are heap buffers, which each
   * engine copies once into its own memory.
   */
  public record Values(FloatBuffer data, long[] shape) {
    public int size() {
      return data.remaining();
    }
  }

  /** Checks that {@code in} fits the stage: video shape, conditioning shape, low-res video present when needed. */
  public static void checkInput(DenoiserSpec spec, DenoiserInput in, boolean needsLowRes, String who) {
    int[] v = spec.videoShape();
    int[] x = in.x().shape();
    if (x[1] != v[0] || x[2] != v[1] || x[3] != v[2] || x[4] != v[3]) {
      throw new InvalidInputException(
          "x",
          who + ": the noisy video has shape " + Arrays.toString(x) + " but the stage takes [B, " + v[0] + ", " + v[1]
              + ", " + v[2] + ", " + v[3] + "]");
    }
    if (in.conditioning().dim(1) != spec.conditioningLength() || in.conditioning().dim(2) != spec.conditioningDim()) {
      throw new InvalidInputException(
          "conditioning",
          who + ": conditioning has shape " + in.conditioning() + " but the stage takes [B, " + spec.conditioningLength()
              + ", " + spec.conditioningDim() + "]; use the encoder the model was trained with");
    }
    if (needsLowRes && in.lowRes() == null) {
      throw new InvalidInputException(
          "low_res",
          who + ": the graph takes a low_res_video input (a later cascade stage) but the input has no low-res video");
    }
    requireFinite("x", in.x(), who);
    requireFinite("conditioning", in.conditioning(), who);
    if (in.lowRes() != null) {
      requireFinite("low_res", in.lowRes(), who);
    }
  }

  /** NaN or infinity in an input would come back as a NaN video many steps later; refuse it at the door. */
  private static void requireFinite(String field, Tensor t, String who) {
    int bad = t.firstNonFinite();
    if (bad >= 0) {
      throw new InvalidInputException(
          field, who + ": " + field + " holds " + t.get(bad) + " at flat index " + bad + "; denoiser inputs must be finite");
    }
  }

  /**
   * The values fed to an input of {@code role}. Tensor roles share the input tensor's buffer. An input
   * without conditioning frames feeds zeros to {@code known_frames} and {@code known_mask} (no frame
   * is known), so a graph that takes them also runs plain text-to-video.
   */
  public static Values values(InputRole role, DenoiserInput in) {
    int b = in.batch();
    return switch (role) {
      case NOISY_VIDEO -> of(in.x());
      case LOW_RES_VIDEO -> of(in.lowRes());
      case CONDITIONING -> of(in.conditioning());
      case CONDITIONING_MASK -> of(in.mask());
      case KNOWN_FRAMES -> in.knownFrames() != null ? of(in.knownFrames()) : zeros(in.x().shape());
      case KNOWN_MASK -> in.knownMask() != null ? of(in.knownMask()) : zeros(b, in.x().dim(2));
      case SIGMA -> vector(in.sigma());
      case C_NOISE -> vector(in.cNoise());
      case FPS -> {
        float[] f = new float[b];
        Arrays.fill(f, in.fps());
        yield vector(f);
      }
      case RESOLUTION -> {
        float[] r = new float[2 * b];
        for (int i = 0; i < b; i++) {
          r[2 * i] = in.height();
          r[2 * i + 1] = in.width();
        }
        yield new Values(FloatBuffer.wrap(r), new long[] {b, 2});
      }
    };
  }

  private static Values of(Tensor t) {
    int[] s = t.shape();
    long[] shape = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = s[i];
    }
    return new Values(t.buffer(), shape);
  }

  private static Values zeros(int... shape) {
    long[] s = new long[shape.length];
    int n = 1;
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
      n *= shape[i];
    }
    return new Values(FloatBuffer.wrap(new float[n]), s);
  }

  private static Values vector(float[] v) {
    return new Values(FloatBuffer.wrap(v), new long[] {v.length});
  }

  /** How an input's values are encoded for a graph, and the bytes of one element. */
  public enum Element {
    F32(4),
    F16(2),
    I64(8),
    I32(4),
    BOOL(1);

    /** Bytes per element. */
    public final int bytes;

    Element(int bytes) {
      this.bytes = bytes;
    }
  }

  /**
   * Writes the remaining values of {@code src} (not moved) into {@code dst} from index 0, as {@code
   * element}: float32, IEEE half floats (round to nearest even), 64- or 32-bit integers (rounded), or
   * bools (one byte, 1 for non-zero).
   *
   * @param dst native byte order, at least {@code src.remaining() * element.bytes} bytes; its position is not used
   */
  public static void encode(FloatBuffer src, Element element, ByteBuffer dst) {
    int n = src.remaining();
    int at = src.position();
    switch (element) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          dst.putFloat(4 * i, src.get(at + i));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          dst.putShort(2 * i, Float.floatToFloat16(src.get(at + i)));
        }
      }
      case I64 -> {
        for (int i = 0; i < n; i++) {
          dst.putLong(8 * i, Math.round(src.get(at + i)));
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          dst.putInt(4 * i, Math.round(src.get(at + i)));
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          dst.put(i, (byte) (src.get(at + i) != 0f ? 1 : 0));
        }
      }
    }
  }

  /** The values as IEEE half floats (round to nearest even) in a new direct native-order byte buffer. */
  public static ByteBuffer toHalf(FloatBuffer src) {
    ByteBuffer out = ByteBuffer.allocateDirect(2 * src.remaining()).order(ByteOrder.nativeOrder());
    encode(src, Element.F16, out);
    return out;
  }

  /** The rank and the fixed dimensions (after the batch) an input of {@code role} must have. */
  public static long[] expectedShape(InputRole role, DenoiserSpec spec) {
    return switch (role) {
      case NOISY_VIDEO, LOW_RES_VIDEO, KNOWN_FRAMES ->
          new long[] {-1, spec.channels(), spec.frames(), spec.height(), spec.width()};
      case KNOWN_MASK -> new long[] {-1, spec.frames()};
      case CONDITIONING -> new long[] {-1, spec.conditioningLength(), spec.conditioningDim()};
      case CONDITIONING_MASK -> new long[] {-1, spec.conditioningLength()};
      case SIGMA, C_NOISE, FPS -> new long[] {-1};
      case RESOLUTION -> new long[] {-1, 2};
    };
  }

  /**
   * Copies a network output into {@code dst} at indices {@code [0, n)} (position and limit unchanged)
   * after checking that it has the input's shape, then that it holds only finite values.
   *
   * @param raw the output's bytes in native order, float32 or (if {@code half}) float16
   * @param who names the backend, stage and graph for messages
   * @param checkFinite whether NaN and infinite values are an error
   */
  public static void outputInto(
      ByteBuffer raw, long[] shape, boolean half, int[] expected, FloatBuffer dst, String who, boolean checkFinite) {
    long[] want = Arrays.stream(expected).asLongStream().toArray();
    if (!Arrays.equals(shape, want)) {
      throw new BackendException(
          who + ": the network returned shape " + Arrays.toString(shape) + " but the input video has shape "
              + Arrays.toString(expected) + "; a denoiser graph must return a tensor of its input's shape (check the "
              + "graph's output name in the manifest and how the graph was exported)");
    }
    int n = size(expected);
    ByteBuffer src = raw.duplicate().order(ByteOrder.nativeOrder());
    if (half) {
      ShortBuffer s = src.asShortBuffer();
      for (int i = 0; i < n; i++) {
        dst.put(i, Float.float16ToFloat(s.get(i)));
      }
    } else {
      dst.put(0, src.asFloatBuffer(), 0, n);
    }
    if (checkFinite) {
      checkFinite(dst.slice(0, n), expected, half, who);
    }
  }

  private static int size(int[] shape) {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Throws a {@link BackendException} naming the first NaN or infinite value of a network output and
   * its position in {@code shape}.
   *
   * @param values the output, from index 0 to its limit; not modified (nor its position)
   * @param half whether the graph computed it in float16 (said in the message: fp16 overflows early)
   */
  public static void checkFinite(FloatBuffer values, int[] shape, boolean half, String who) {
    int n = values.limit();
    // one branch-free pass: an all-ones exponent (NaN or infinity) carries into the sign bit when
    // 2^23 is added to it, any other exponent does not; the index is searched only when one is found
    int carry = 0;
    for (int i = 0; i < n; i++) {
      carry |= (Float.floatToRawIntBits(values.get(i)) & 0x7f800000) + 0x00800000;
    }
    if (carry >= 0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      float f = values.get(i);
      if (!Float.isFinite(f)) {
        throw new BackendException(
            who + ": the network returned " + f + " at flat index " + i + " " + position(i, shape)
                + "; the graph is broken or its inputs are out of range"
                + (half ? " (an fp16 graph overflows beyond 65504)" : ""));
      }
    }
  }

  /** "(batch 0, channel 1, frame 2, y 3, x 4)" for a flat index into [B, C, T, H, W]. */
  public static String position(int flat, int[] shape) {
    String[] names = {"batch", "channel", "frame", "y", "x"};
    int[] idx = new int[shape.length];
    int rest = flat;
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    StringBuilder sb = new StringBuilder("(");
    for (int d = 0; d < idx.length; d++) {
      if (d > 0) {
        sb.append(", ");
      }
      sb.append(d < names.length && shape.length == 5 ? names[d] : "dim " + d).append(' ').append(idx[d]);
    }
    return sb.append(')').toString();
  }
}
