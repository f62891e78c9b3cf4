package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.ImageRef;

/**
 * Turns decoded pixels into the vision tower's input: a float32 {@code [3, S, S]} tensor in
 * channel-first order. The steps, and their exact arithmetic, are those of the Python reference in
 * {@code models/test-encoder/export.py} ({@code preprocess}):
 *
 * <ol>
 *   <li>alpha compositing over the background colour, per channel in float32: {@code c = (v * a + bg
 *       * (255 - a)) / 65025}, which lands in {@code [0, 1]};
 *   <li>resizing so that the shorter side is S and the longer side {@code floor(S * long / short)},
 *       with bilinear interpolation as {@code torch.nn.functional.interpolate(mode="bilinear",
 *       align_corners=False, antialias=False)} computes it (half-pixel centres, source index clamped
 *       at 0, neighbour clamped at the last row/column, weights and sums in float32);
 *   <li>a centre crop of S x S at offsets {@code (h' - S) / 2}, {@code (w' - S) / 2} (integer
 *       division);
 *   <li>normalisation per channel: {@code (x - mean) / std}.
 * </ol>
 *
 * Only the pixels inside the crop are interpolated, so a large image costs S x S work after decoding.
 * Immutable and thread-safe.
 */
public final class ImagePreprocessor {
  private final int size;
  private final float[] mean;
  private final float[] std;
  private final int[] background;

  /**
   * @param size S, the side of the square the vision tower takes
   * @param mean per-channel mean (R, G, B) on the [0, 1] scale; copied
   * @param std per-channel standard deviation; copied
   * @param backgroundRgb colour that transparent pixels are composited over, {@code 0xRRGGBB}
   */
  public ImagePreprocessor(int size, float[] mean, float[] std, int backgroundRgb) {
    this.size = size;
    this.mean = mean.clone();
    this.std = std.clone();
    this.background = new int[] {(backgroundRgb >> 16) & 0xFF, (backgroundRgb >> 8) & 0xFF, backgroundRgb & 0xFF};
  }

  /** The normalised {@code [3, S, S]} tensor, row-major. */
  public float[] apply(ImageRef.OfPixels px) {
    int w = px.width();
    int h = px.height();
    int[] argb = px.argb();
    int s = size;
    int nh;
    int nw;
    if (h <= w) {
      nh = s;
      nw = (int) ((long) s * w / h);
    } else {
      nh = (int) ((long) s * h / w);
      nw = s;
    }
    int top = (nh - s) / 2;
    int left = (nw - s) / 2;

    // source indices and weights per output row and column of the crop (as torch computes them)
    int[] y0 = new int[s];
    int[] y1 = new int[s];
    float[] ly0 = new float[s];
    float[] ly1 = new float[s];
    axis(h, nh, top, y0, y1, ly0, ly1);
    int[] x0 = new int[s];
    int[] x1 = new int[s];
    float[] lx0 = new float[s];
    float[] lx1 = new float[s];
    axis(w, nw, left, x0, x1, lx0, lx1);

    float[] out = new float[3 * s * s];
    int plane = s * s;
    for (int oy = 0; oy < s; oy++) {
      int r0 = y0[oy] * w;
      int r1 = y1[oy] * w;
      for (int ox = 0; ox < s; ox++) {
        int p00 = argb[r0 + x0[ox]];
        int p01 = argb[r0 + x1[ox]];
        int p10 = argb[r1 + x0[ox]];
        int p11 = argb[r1 + x1[ox]];
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          float t0 = composite(p00, shift, c) * lx0[ox];
          t0 += composite(p01, shift, c) * lx1[ox];
          float t1 = composite(p10, shift, c) * lx0[ox];
          t1 += composite(p11, shift, c) * lx1[ox];
          float v = t0 * ly0[oy];
          v += t1 * ly1[oy];
          out[c * plane + oy * s + ox] = (v - mean[c]) / std[c];
        }
      }
    }
    return out;
  }

  private float composite(int argb, int shift, int c) {
    int a = argb >>> 24;
    int v = (argb >> shift) & 0xFF;
    return (float) (v * a + background[c] * (255 - a)) / 65025f;
  }

  /**
   * For output positions {@code offset .. offset + S - 1} of an axis resized from {@code in} to
   * {@code out}: the two source indices and their weights, in float32 as ATen's
   * {@code compute_source_index_and_lambda} with {@code align_corners=False}.
   */
  private static void axis(int in, int out, int offset, int[] i0, int[] i1, float[] l0, float[] l1) {
    float scale = (float) in / out;
    for (int k = 0; k < i0.length; k++) {
      int o = k + offset;
      if (in == out) {
        i0[k] = o;
        i1[k] = o;
        l0[k] = 1f;
        l1[k] = 0f;
        continue;
      }
      float src = scale * (o + 0.5f) - 0.5f;
      if (src < 0f) {
        src = 0f;
      }
      int a = (int) src;
      i0[k] = a;
      i1[k] = a < in - 1 ? a + 1 : a;
      float lambda = Math.min(Math.max(src - a, 0f), 1f);
      l1[k] = lambda;
      l0[k] = 1f - lambda;
    }
  }
}
