package dev.vimi.api.internal.sampling;

/**
 * Reproducible standard-normal noise: the same seed gives bit-identical values on every machine, JVM
 * and backend. Uniforms come from SplitMix64 (Steele, Lea and Flood 2014; a fixed, published
 * algorithm, written out here so no JDK implementation detail can change it) and normals from the
 * Box-Muller transform evaluated with {@link StrictMath}, whose results are specified to the bit.
 *
 * <p>Not thread-safe: one source per stream.
 */
public final class NoiseSource {
  private long state;
  private double spare;
  private boolean hasSpare;

  public NoiseSource(long seed) {
    this.state = seed;
  }

  /** A source for sub-stream {@code stream} of {@code seed} (e.g. one per cascade stage). */
  public static NoiseSource of(long seed, long stream) {
    return new NoiseSource(mix(seed ^ mix(stream + 0x632BE59BD9B4E019L)));
  }

  private long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix(state);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform double in (0, 1]. */
  double nextUniform() {
    return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
  }

  /** The next standard-normal value. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spare;
    }
    double u1 = nextUniform();
    double u2 = nextUniform();
    double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
    double theta = 2.0 * StrictMath.PI * u2;
    spare = r * StrictMath.sin(theta);
    hasSpare = true;
    return r * StrictMath.cos(theta);
  }

  /** Fills {@code out} with standard-normal values. */
  public void fill(double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = nextGaussian();
    }
  }
}
