package dev.vimi.api.internal.cascade;

/**
 * Resizes one frame {@code [C, H, W]} held as a flat array, separably in height and width: an axis
 * that shrinks is area-averaged (each output pixel is the mean of the input it covers, fractional
 * pixels weighted by their overlap), an axis that grows is linearly interpolated with half-pixel
 * centres (edges clamped), and an axis that keeps its size is copied. Stateless.
 */
public final class FrameResize {
  private FrameResize() {}

  public static double[] resize(double[] src, int c, int h, int w, int h2, int w2) {
    double[] a = axis(src, c, h, w, h2);
    return axis(a, c * h2, w, 1, w2);
  }

  /** Resizes the middle axis of an array laid out as [outer, n, inner] to length m. */
  static double[] axis(double[] src, int outer, int n, int inner, int m) {
    if (n == m) {
      return src;
    }
    double[] dst = new double[outer * m * inner];
    double scale = (double) n / m;
    for (int i = 0; i < m; i++) {
      int d = i * inner;
      if (m < n) {
        double from = i * scale;
        double to = (i + 1) * scale;
        for (int k = (int) Math.floor(from); k < Math.min(n, (int) Math.ceil(to)); k++) {
          double weight = (Math.min(to, k + 1) - Math.max(from, k)) / scale;
          if (weight <= 0) {
            continue;
          }
          for (int o = 0; o < outer; o++) {
            int s0 = (o * n + k) * inner;
            int d0 = o * m * inner + d;
            for (int q = 0; q < inner; q++) {
              dst[d0 + q] += weight * src[s0 + q];
            }
          }
        }
      } else {
        double pos = Math.max((i + 0.5) * scale - 0.5, 0);
        int i0 = Math.min((int) Math.floor(pos), n - 1);
        int i1 = Math.min(i0 + 1, n - 1);
        double f = pos - i0;
        for (int o = 0; o < outer; o++) {
          int s0 = (o * n + i0) * inner;
          int s1 = (o * n + i1) * inner;
          int d0 = o * m * inner + d;
          for (int q = 0; q < inner; q++) {
            dst[d0 + q] = src[s0 + q] * (1 - f) + src[s1 + q] * f;
          }
        }
      }
    }
    return dst;
  }
}
