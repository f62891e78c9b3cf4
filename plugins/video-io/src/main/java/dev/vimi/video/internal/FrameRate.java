package dev.vimi.video.internal;

/**
 * A frame rate as an exact fraction for container time bases: each frame lasts {@code
 * frameDuration} ticks of a clock running at {@code timescale} ticks per second.
 *
 * <p>Whole rates are exact ({@code 24 -> 600/25}); the NTSC rates 24000/1001, 30000/1001 and
 * 60000/1001 are recognised from their usual decimal spellings (23.976, 29.97, 59.94); anything
 * else is rounded to a millisecond-exact fraction ({@code 12.5 -> 12500/1000}, reduced). The
 * timescale is at least 600 (QuickTime's traditional base) so that edits stay precise.
 */
record FrameRate(int timescale, int frameDuration) {

  static FrameRate of(float fps) {
    if (!(fps > 0) || !Float.isFinite(fps)) {
      throw new IllegalArgumentException("fps must be positive and finite: " + fps);
    }
    long num;
    long den;
    long whole = Math.round((double) fps);
    if (Math.abs(fps - whole) < 1e-4 * Math.max(1, whole)) {
      num = whole;
      den = 1;
    } else if (isNtsc(fps, 24000) || isNtsc(fps, 30000) || isNtsc(fps, 60000)) {
      num = Math.round(fps * 1001.0 / 1000.0) * 1000;
      den = 1001;
    } else {
      num = Math.round(fps * 1000.0);
      den = 1000;
      long g = gcd(num, den);
      num /= g;
      den /= g;
    }
    if (num <= 0) {
      throw new IllegalArgumentException("fps " + fps + " is too small to store in a video container");
    }
    long k = Math.max(1, (600 + num - 1) / num);
    long ts = num * k;
    long dur = den * k;
    if (ts > Integer.MAX_VALUE || dur > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("fps " + fps + " cannot be stored as a container time base");
    }
    return new FrameRate((int) ts, (int) dur);
  }

  private static boolean isNtsc(float fps, int numerator) {
    return Math.abs(fps - numerator / 1001.0) < 5e-3;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** The rate this fraction stands for, in frames per second. */
  double fps() {
    return (double) timescale / frameDuration;
  }
}
