package dev.vimi.cli;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.Video;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The measurements of {@code vimi eval grounding} on one generated video of a sprite over a plain
 * background: the background colour (median of the frame borders, named by the nearest palette
 * colour), the sprite's mask (pixels far from that colour), its centroid and size track and the motion
 * they show, the subject's identity among candidate sprites (masked pixel distance), first-frame PSNR,
 * and frame-to-frame consistency. Stateless; all methods are pure functions.
 */
final class GroundingMetrics {
  /** Colour distance (Euclidean, RGB in [0, 1]) above which a pixel belongs to the sprite. */
  static final double MASK_THRESHOLD = 0.2;
  /** Pixels a frame's mask needs for the frame to count. */
  static final int MIN_AREA = 6;
  /** Translation over the clip, in pixels of the frame's width 64, that counts as motion (scaled by width). */
  static final double MIN_SHIFT_PX = 4.0;
  /** |ln(size ratio)| over the clip that counts as growing or shrinking. */
  static final double MIN_LOG_SCALE = 0.25;

  private GroundingMetrics() {}

  /** One frame's RGB in [0, 1], {@code [h * w * 3]}, from a video in [-1, 1]. */
  static float[] rgb(Video v, int t) {
    int h = v.height();
    int w = v.width();
    int frames = v.frameCount();
    float[] all = v.frames().toArray();
    float[] out = new float[h * w * 3];
    int plane = h * w;
    for (int c = 0; c < 3; c++) {
      int base = (c * frames + t) * plane;
      for (int i = 0; i < plane; i++) {
        out[i * 3 + c] = Math.max(0f, Math.min(1f, (all[base + i] + 1f) * 0.5f));
      }
    }
    return out;
  }

  /** The background colour: per frame the per-channel median of the border pixels; then the median over frames. */
  static float[] background(Video v) {
    int h = v.height();
    int w = v.width();
    int frames = v.frameCount();
    float[][] perFrame = new float[3][frames];
    for (int t = 0; t < frames; t++) {
      float[] px = rgb(v, t);
      int n = 2 * w + 2 * (h - 2);
      float[][] ch = new float[3][n];
      int k = 0;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
            for (int c = 0; c < 3; c++) {
              ch[c][k] = px[(y * w + x) * 3 + c];
            }
            k++;
          }
        }
      }
      for (int c = 0; c < 3; c++) {
        perFrame[c][t] = median(Arrays.copyOf(ch[c], k));
      }
    }
    return new float[] {median(perFrame[0]), median(perFrame[1]), median(perFrame[2])};
  }

  static float median(float[] a) {
    float[] s = a.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5f * (s[n / 2 - 1] + s[n / 2]);
  }

  /** The palette name nearest to {@code rgb} (palette values 0-255). */
  static String nearestColour(float[] rgb, Map<String, int[]> palette) {
    String best = null;
    double bestD = Double.MAX_VALUE;
    for (Map.Entry<String, int[]> e : palette.entrySet()) {
      double d = 0;
      for (int c = 0; c < 3; c++) {
        double diff = rgb[c] - e.getValue()[c] / 255.0;
        d += diff * diff;
      }
      if (d < bestD) {
        bestD = d;
        best = e.getKey();
      }
    }
    return best;
  }

  /** The sprite in one frame: its mask, area, centroid and bounding box. */
  record FrameTrack(boolean[] mask, int area, double cx, double cy, int x0, int y0, int x1, int y1) {
    boolean visible() {
      return area >= MIN_AREA;
    }
  }

  static FrameTrack track(float[] px, int h, int w, float[] bg) {
    boolean[] mask = new boolean[h * w];
    int area = 0;
    double sx = 0;
    double sy = 0;
    int x0 = w;
    int y0 = h;
    int x1 = -1;
    int y1 = -1;
    double thr2 = MASK_THRESHOLD * MASK_THRESHOLD;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        double d = 0;
        for (int c = 0; c < 3; c++) {
          double diff = px[i * 3 + c] - bg[c];
          d += diff * diff;
        }
        if (d > thr2) {
          mask[i] = true;
          area++;
          sx += x;
          sy += y;
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    return area == 0
        ? new FrameTrack(mask, 0, Double.NaN, Double.NaN, 0, 0, -1, -1)
        : new FrameTrack(mask, area, sx / area, sy / area, x0, y0, x1, y1);
  }

  /**
   * The motion a track shows: least-squares slopes of the centroid (x, y) and of ln(sqrt(area)) over
   * the visible frames, times the clip length; the larger of the translation (against {@link
   * #MIN_SHIFT_PX}, scaled to the frame width) and the size change (against {@link #MIN_LOG_SCALE})
   * decides, and neither above its threshold is "still". Fewer than 4 visible frames: "none".
   */
  static String motion(List<FrameTrack> tracks, int width) {
    int n = 0;
    double st = 0;
    double stt = 0;
    double sx = 0;
    double sy = 0;
    double ss = 0;
    double stx = 0;
    double sty = 0;
    double sts = 0;
    for (int t = 0; t < tracks.size(); t++) {
      FrameTrack f = tracks.get(t);
      if (!f.visible()) {
        continue;
      }
      double s = 0.5 * Math.log(f.area());
      n++;
      st += t;
      stt += (double) t * t;
      sx += f.cx();
      sy += f.cy();
      ss += s;
      stx += t * f.cx();
      sty += t * f.cy();
      sts += t * s;
    }
    if (n < 4) {
      return "none";
    }
    double den = n * stt - st * st;
    double span = tracks.size() - 1;
    double dx = (n * stx - st * sx) / den * span;
    double dy = (n * sty - st * sy) / den * span;
    double ds = (n * sts - st * ss) / den * span;
    double minShift = MIN_SHIFT_PX * width / 64.0;
    double trans = Math.max(Math.abs(dx), Math.abs(dy)) / minShift;
    double scale = Math.abs(ds) / MIN_LOG_SCALE;
    if (trans < 1 && scale < 1) {
      return "still";
    }
    if (trans >= scale) {
      return Math.abs(dx) >= Math.abs(dy) ? (dx < 0 ? "left" : "right") : (dy < 0 ? "up" : "down");
    }
    return ds > 0 ? "grow" : "shrink";
  }

  /** A candidate sprite: its pixels cropped to where its alpha is not zero. */
  record Sprite(String id, int width, int height, int[] argb) {
    static Sprite of(String id, ImageRef.OfPixels px) {
      int w = px.width();
      int h = px.height();
      int x0 = w;
      int y0 = h;
      int x1 = -1;
      int y1 = -1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if ((px.argb()[y * w + x] >>> 24) > 24) {
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
          }
        }
      }
      if (x1 < 0) {
        return new Sprite(id, w, h, px.argb().clone());
      }
      int cw = x1 - x0 + 1;
      int ch = y1 - y0 + 1;
      int[] out = new int[cw * ch];
      for (int y = 0; y < ch; y++) {
        System.arraycopy(px.argb(), (y0 + y) * w + x0, out, y * cw, cw);
      }
      return new Sprite(id, cw, ch, out);
    }

    /** RGBA in [0, 1] of the sprite resampled (box filter) to {@code bw x bh}, {@code [bh * bw * 4]}. */
    float[] resampled(int bw, int bh) {
      float[] out = new float[bw * bh * 4];
      for (int y = 0; y < bh; y++) {
        double sy0 = (double) y * height / bh;
        double sy1 = (double) (y + 1) * height / bh;
        for (int x = 0; x < bw; x++) {
          double sx0 = (double) x * width / bw;
          double sx1 = (double) (x + 1) * width / bw;
          double a = 0;
          double r = 0;
          double g = 0;
          double b = 0;
          double wsum = 0;
          for (int yy = (int) Math.floor(sy0); yy < Math.min(height, Math.ceil(sy1)); yy++) {
            double wy = Math.min(yy + 1, sy1) - Math.max(yy, sy0);
            for (int xx = (int) Math.floor(sx0); xx < Math.min(width, Math.ceil(sx1)); xx++) {
              double wx = Math.min(xx + 1, sx1) - Math.max(xx, sx0);
              double wgt = wx * wy;
              int p = argb[yy * width + xx];
              double al = (p >>> 24) / 255.0;
              a += wgt * al;
              r += wgt * al * ((p >> 16) & 255) / 255.0;
              g += wgt * al * ((p >> 8) & 255) / 255.0;
              b += wgt * al * (p & 255) / 255.0;
              wsum += wgt;
            }
          }
          int o = (y * bw + x) * 4;
          out[o] = (float) (a / wsum);
          // premultiplied colour, un-premultiplied where alpha is not zero
          out[o + 1] = (float) (a > 0 ? r / a : 0);
          out[o + 2] = (float) (a > 0 ? g / a : 0);
          out[o + 3] = (float) (a > 0 ? b / a : 0);
        }
      }
      return out;
    }
  }

  /**
   * The masked pixel distance between the frame's sprite and {@code s}: the candidate (visible part)
   * is resampled to the sprite's bounding box and composited over the background; the mean squared
   * RGB difference is taken over the pixels of the box that belong to the generated sprite or to the
   * candidate. Returns NaN for a frame without a visible sprite.
   */
  static double distance(float[] px, int w, FrameTrack f, float[] bg, Sprite s) {
    if (!f.visible()) {
      return Double.NaN;
    }
    int bw = f.x1() - f.x0() + 1;
    int bh = f.y1() - f.y0() + 1;
    float[] cand = s.resampled(bw, bh);
    double sum = 0;
    int n = 0;
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        int fi = (f.y0() + y) * w + (f.x0() + x);
        int ci = (y * bw + x) * 4;
        float a = cand[ci];
        if (!f.mask()[fi] && a < 0.5f) {
          continue;
        }
        for (int c = 0; c < 3; c++) {
          double cv = cand[ci + 1 + c] * a + bg[c] * (1 - a);
          double d = px[fi * 3 + c] - cv;
          sum += d * d;
        }
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / (3.0 * n);
  }

  /** PSNR (peak 1) of two RGB arrays in [0, 1]. */
  static double psnr(float[] a, float[] b) {
    double mse = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      mse += d * d;
    }
    mse /= a.length;
    return mse == 0 ? 99.0 : 10 * Math.log10(1.0 / mse);
  }

  /** An image's RGB in [0, 1] averaged down by an integer factor to {@code h x w}, {@code [h * w * 3]}. */
  static float[] downsampled(ImageRef.OfPixels img, int h, int w) {
    int f = img.width() / w;
    if (f < 1 || img.width() != f * w || img.height() != f * h) {
      throw new IllegalArgumentException(
          "the first frame is " + img.width() + "x" + img.height() + " but must be an integer multiple of " + w + "x" + h);
    }
    float[] out = new float[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double[] s = new double[3];
        for (int yy = 0; yy < f; yy++) {
          for (int xx = 0; xx < f; xx++) {
            int p = img.argb()[(y * f + yy) * img.width() + x * f + xx];
            s[0] += ((p >> 16) & 255) / 255.0;
            s[1] += ((p >> 8) & 255) / 255.0;
            s[2] += (p & 255) / 255.0;
          }
        }
        for (int c = 0; c < 3; c++) {
          out[(y * w + x) * 3 + c] = (float) (s[c] / (f * f));
        }
      }
    }
    return out;
  }

  /** Mean absolute difference between consecutive frames (RGB in [0, 1]). */
  static double frameDifference(Video v) {
    double sum = 0;
    float[] prev = rgb(v, 0);
    for (int t = 1; t < v.frameCount(); t++) {
      float[] cur = rgb(v, t);
      double s = 0;
      for (int i = 0; i < cur.length; i++) {
        s += Math.abs(cur[i] - prev[i]);
      }
      sum += s / cur.length;
      prev = cur;
    }
    return sum / (v.frameCount() - 1);
  }
}
