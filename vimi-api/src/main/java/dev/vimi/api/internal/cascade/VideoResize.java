package dev.vimi.api.internal.cascade;

import dev.vimi.api.Resize;

/**
 * Resizes a video {@code [C, T, H, W]} held as a flat array, separably in time, height and width.
 * Trilinear uses half-pixel centres without antialiasing (as {@code torch.nn.functional.interpolate}
 * with {@code align_corners=False}), so the Python training recipe and the SDK agree.
 */
public final class VideoResize {
  private VideoResize() {}

  public static double[] resize(double[] src, int c, int t, int h, int w, int t2, int h2, int w2, Resize mode) {
    double[] a = axis(src, c, t, h * w, t2, mode);
    double[] b = axis(a, c * t2, h, w, h2, mode);
    return axis(b, c * t2 * h2, w, 1, w2, mode);
  }

  /** Resizes the middle axis of an array laid out as [outer, n, inner] to length m. */
  private static double[] axis(double[] src, int outer, int n, int inner, int m, Resize mode) {
    if (n == m) {
      return src;
    }
    double[] dst = new double[outer * m * inner];
    double scale = (double) n / m;
    for (int i = 0; i < m; i++) {
      int i0;
      int i1;
      double f;
      if (mode == Resize.NEAREST) {
        i0 = Math.min((int) Math.floor(i * scale), n - 1);
        i1 = i0;
        f = 0;
      } else {
        double pos = Math.max((i + 0.5) * scale - 0.5, 0);
        i0 = Math.min((int) Math.floor(pos), n - 1);
        i1 = Math.min(i0 + 1, n - 1);
        f = pos - i0;
      }
      for (int o = 0; o < outer; o++) {
        int s0 = (o * n + i0) * inner;
        int s1 = (o * n + i1) * inner;
        int d = (o * m + i) * inner;
        for (int k = 0; k < inner; k++) {
          dst[d + k] = src[s0 + k] * (1 - f) + src[s1 + k] * f;
        }
      }
    }
    return dst;
  }
}
