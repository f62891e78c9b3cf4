package dev.vimi.spi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An engine-neutral, immutable, dense float32 tensor: a shape and its values in row-major order,
 * held in a direct {@link FloatBuffer} so that backends can hand it to native code without copying.
 *
 * <p><b>Ownership.</b> A tensor owns its buffer. The factories that take arrays copy them; {@link
 * #wrap(FloatBuffer, int...)} takes ownership of the buffer it is given, and the caller must not
 * write to it afterwards. {@link #buffer()} returns a read-only view, so a tensor cannot be changed
 * through it. The direct memory is released by the garbage collector; tensors need no closing.
 *
 * <p><b>Thread-safety.</b> Immutable, and safe to share between threads.
 */
public final class Tensor {
  /** Largest number of elements a tensor may hold (a direct buffer is indexed by int). */
  public static final long MAX_SIZE = Integer.MAX_VALUE / Float.BYTES;

  private final int[] shape;
  private final FloatBuffer data;

  private Tensor(int[] shape, FloatBuffer data) {
    this.shape = shape;
    this.data = data;
  }

  /** A tensor of the given shape holding a copy of {@code values}. */
  public static Tensor of(float[] values, int... shape) {
    int[] s = checkShape(shape);
    long n = size(s);
    if (values.length != n) {
      throw new InvalidInputException(
          "tensor", "shape " + Arrays.toString(s) + " needs " + n + " values but " + values.length + " were given");
    }
    FloatBuffer b = allocate((int) n);
    b.put(values).flip();
    return new Tensor(s, b);
  }

  /** A tensor of the given shape holding {@code values} narrowed to float32. */
  public static Tensor of(double[] values, int... shape) {
    int[] s = checkShape(shape);
    long n = size(s);
    if (values.length != n) {
      throw new InvalidInputException(
          "tensor", "shape " + Arrays.toString(s) + " needs " + n + " values but " + values.length + " were given");
    }
    FloatBuffer b = allocate((int) n);
    for (double v : values) {
      b.put((float) v);
    }
    b.flip();
    return new Tensor(s, b);
  }

  /** A tensor of zeros. */
  public static Tensor zeros(int... shape) {
    int[] s = checkShape(shape);
    return new Tensor(s, allocate((int) size(s)));
  }

  /** A tensor filled with {@code value}. */
  public static Tensor filled(float value, int... shape) {
    int[] s = checkShape(shape);
    int n = (int) size(s);
    FloatBuffer b = allocate(n);
    for (int i = 0; i < n; i++) {
      b.put(i, value);
    }
    return new Tensor(s, b);
  }

  /**
   * A tensor over {@code buffer}, which must be direct and hold exactly the elements of {@code
   * shape} between its position and limit. Takes ownership: the caller must not write to the buffer
   * afterwards.
   */
  public static Tensor wrap(FloatBuffer buffer, int... shape) {
    int[] s = checkShape(shape);
    if (!buffer.isDirect()) {
      throw new InvalidInputException("tensor", "Tensor.wrap needs a direct buffer; use Tensor.of for arrays");
    }
    if (buffer.remaining() != size(s)) {
      throw new InvalidInputException(
          "tensor",
          "shape " + Arrays.toString(s) + " needs " + size(s) + " values but the buffer holds " + buffer.remaining());
    }
    return new Tensor(s, buffer.slice().asReadOnlyBuffer());
  }

  /** A new direct, native-order float buffer of {@code n} zeros, for building tensors to wrap. */
  public static FloatBuffer allocate(int n) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES)).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  /** The extent of dimension {@code i}; negative {@code i} counts from the end. */
  public int dim(int i) {
    return shape[i < 0 ? shape.length + i : i];
  }

  /** Number of elements. */
  public int size() {
    return data.limit();
  }

  /** True if the shape equals {@code expected}. */
  public boolean hasShape(int... expected) {
    return Arrays.equals(shape, expected);
  }

  /** The element at row-major position {@code index}. */
  public float get(int index) {
    return data.get(index);
  }

  /** A read-only view of the values, positioned at 0. */
  public FloatBuffer buffer() {
    return data.asReadOnlyBuffer().position(0);
  }

  /** A fresh array holding the values. */
  public float[] toArray() {
    float[] out = new float[size()];
    data.get(0, out);
    return out;
  }

  /** Copies the values into {@code dst} starting at {@code offset}. */
  public void copyTo(float[] dst, int offset) {
    data.get(0, dst, offset, size());
  }

  /** The same values under another shape with the same number of elements; shares the buffer. */
  public Tensor reshape(int... newShape) {
    int[] s = checkShape(newShape);
    if (size(s) != size()) {
      throw new InvalidInputException(
          "tensor", "cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(s) + ": sizes differ");
    }
    return new Tensor(s, data);
  }

  /** The index of the first NaN or infinite value, or -1 if all values are finite. */
  public int firstNonFinite() {
    int n = size();
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(data.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Concatenates tensors along axis 0; they must agree on every other axis. */
  public static Tensor concat(Tensor... parts) {
    if (parts.length == 0) {
      throw new InvalidInputException("tensor", "concat needs at least one tensor");
    }
    int[] first = parts[0].shape;
    int lead = 0;
    for (Tensor t : parts) {
      if (t.shape.length != first.length
          || !Arrays.equals(Arrays.copyOfRange(t.shape, 1, t.shape.length), Arrays.copyOfRange(first, 1, first.length))) {
        throw new InvalidInputException(
            "tensor", "concat: shapes " + Arrays.toString(first) + " and " + Arrays.toString(t.shape) + " differ beyond axis 0");
      }
      lead += t.shape[0];
    }
    int[] s = first.clone();
    s[0] = lead;
    FloatBuffer b = allocate((int) size(s));
    for (Tensor t : parts) {
      b.put(t.buffer());
    }
    b.flip();
    return new Tensor(s, b);
  }

  /** Rows {@code [from, to)} along axis 0, copied. */
  public Tensor slice(int from, int to) {
    if (shape.length == 0 || from < 0 || to > shape[0] || from >= to) {
      throw new InvalidInputException(
          "tensor", "slice [" + from + ", " + to + ") out of range for shape " + Arrays.toString(shape));
    }
    int row = shape[0] == 0 ? 0 : size() / shape[0];
    int[] s = shape.clone();
    s[0] = to - from;
    FloatBuffer b = allocate(row * (to - from));
    b.put(buffer().position(from * row).limit(to * row)).flip();
    return new Tensor(s, b);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }

  private static int[] checkShape(int[] shape) {
    int[] s = shape.clone();
    for (int d : s) {
      if (d < 0) {
        throw new InvalidInputException("tensor", "negative dimension in shape " + Arrays.toString(s));
      }
    }
    if (size(s) > MAX_SIZE) {
      throw new InvalidInputException("tensor", "shape " + Arrays.toString(s) + " holds more than " + MAX_SIZE + " values");
    }
    return s;
  }

  private static long size(int[] s) {
    long n = 1;
    for (int d : s) {
      n *= d;
      if (n > MAX_SIZE) {
        return Long.MAX_VALUE;
      }
    }
    return n;
  }
}
