package dev.vimi.video.internal;

import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import java.util.List;
import java.util.SplittableRandom;

/** Test videos with known pixels. */
final class TestVideos {
  private TestVideos() {}

  /** A smooth colour gradient moving right by 2 pixels a frame, values within [-0.8, 0.8]. */
  static Video smooth(int frames, int height, int width, float fps) {
    float[] v = new float[3 * frames * height * width];
    for (int c = 0; c < 3; c++) {
      for (int f = 0; f < frames; f++) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            double phase = (x + 2.0 * f) / width + c / 3.0 + y / (2.0 * height);
            v[((c * frames + f) * height + y) * width + x] = (float) (0.8 * Math.sin(2 * Math.PI * phase));
          }
        }
      }
    }
    return new Video(Tensor.of(v, 3, frames, height, width), fps);
  }

  /**
   * Smooth in the sense of a natural picture: each channel varies by at most a few levels between
   * neighbouring pixels (half a sine period over twice the width), drifting by one pixel a frame.
   */
  static Video gentle(int frames, int height, int width, float fps) {
    float[] v = new float[3 * frames * height * width];
    for (int c = 0; c < 3; c++) {
      for (int f = 0; f < frames; f++) {
        for (int y = 0; y < height; y++) {
          for (int x = 0; x < width; x++) {
            double phase = (x + f) / (2.0 * width) + c / 3.0 + y / (4.0 * height);
            v[((c * frames + f) * height + y) * width + x] = (float) (0.7 * Math.sin(2 * Math.PI * phase));
          }
        }
      }
    }
    return new Video(Tensor.of(v, 3, frames, height, width), fps);
  }

  /** Uniform random pixels (worst case for a codec). */
  static Video noise(int frames, int height, int width, float fps, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] v = new float[3 * frames * height * width];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (rnd.nextDouble() * 2 - 1);
    }
    return new Video(Tensor.of(v, 3, frames, height, width), fps);
  }

  /** An RGB image of random pixels (incompressible, so truncating its file cuts pixel data). */
  static java.awt.image.BufferedImage noiseImage(int width, int height) {
    SplittableRandom rnd = new SplittableRandom(width * 31L + height);
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, rnd.nextInt(0x1000000));
      }
    }
    return img;
  }

  /**
   * A video whose frames are exactly the given {@code 0xRRGGBB} pixels: byte {@code b} is stored as
   * {@code b / 127.5 - 1}, which {@link Video#toByte} maps back to {@code b}.
   */
  static Video ofPixels(List<int[]> frames, int width, int height, float fps) {
    int t = frames.size();
    int plane = width * height;
    float[] v = new float[3 * t * plane];
    for (int f = 0; f < t; f++) {
      int[] px = frames.get(f);
      for (int i = 0; i < plane; i++) {
        v[(0 * t + f) * plane + i] = ((px[i] >>> 16) & 0xFF) / 127.5f - 1f;
        v[(1 * t + f) * plane + i] = ((px[i] >>> 8) & 0xFF) / 127.5f - 1f;
        v[(2 * t + f) * plane + i] = (px[i] & 0xFF) / 127.5f - 1f;
      }
    }
    return new Video(Tensor.of(v, 3, t, height, width), fps);
  }

  /** Frames of random pixels drawn from a small palette of {@code colours} colours. */
  static Video fewColours(int frames, int height, int width, int colours, float fps, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] palette = new int[colours];
    for (int i = 0; i < colours; i++) {
      palette[i] = rnd.nextInt(0x1000000);
    }
    List<int[]> fs = new java.util.ArrayList<>();
    for (int f = 0; f < frames; f++) {
      int[] px = new int[width * height];
      for (int i = 0; i < px.length; i++) {
        px[i] = palette[rnd.nextInt(colours)];
      }
      fs.add(px);
    }
    return ofPixels(fs, width, height, fps);
  }

  /** Expected pixels of frame {@code t} upscaled by {@code scale}, computed independently. */
  static int[] expected(Video video, int t, int scale) {
    int[] src = video.argb(t);
    int w = video.width();
    int ow = w * scale;
    int oh = video.height() * scale;
    int[] out = new int[ow * oh];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        out[y * ow + x] = src[(y / scale) * w + x / scale] & 0xFFFFFF;
      }
    }
    return out;
  }

  /** Mean absolute difference per channel, in 8-bit levels, over the {@code w x h} top-left area. */
  static double meanAbsError(int[] expected, int expectedStride, int[] actual, int actualStride, int w, int h) {
    long sum = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = expected[y * expectedStride + x];
        int b = actual[y * actualStride + x];
        for (int s = 0; s <= 16; s += 8) {
          sum += Math.abs(((a >>> s) & 0xFF) - ((b >>> s) & 0xFF));
        }
      }
    }
    return sum / (3.0 * w * h);
  }
}
