package dev.vimi.video.internal;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Video;
import java.awt.image.BufferedImage;
import java.util.Objects;

/** Frames of a {@link Video} as opaque RGB pixels, upscaled by an integer factor (nearest neighbour). */
public final class FrameImages {
  /** Largest width or height of an upscaled frame; H.264 level limits and memory stay sane below it. */
  static final int MAX_SIDE = 16384;

  private FrameImages() {}

  /** Rejects a scale below 1 or one that makes a frame larger than {@link #MAX_SIDE} on a side. */
  public static void checkScale(Video video, int scale) {
    Objects.requireNonNull(video, "video");
    if (scale < 1) {
      throw new InvalidInputException("scale", "the upscale factor must be at least 1 but is " + scale);
    }
    long w = (long) video.width() * scale;
    long h = (long) video.height() * scale;
    if (w > MAX_SIDE || h > MAX_SIDE) {
      throw new InvalidInputException(
          "scale",
          "upscaling "
              + video.width()
              + "x"
              + video.height()
              + " frames by "
              + scale
              + " gives "
              + w
              + "x"
              + h
              + ", larger than "
              + MAX_SIDE
              + " pixels on a side; use a smaller scale");
    }
  }

  /**
   * Frame {@code t} as packed opaque {@code 0xFFRRGGBB} pixels, {@code width*scale} by {@code
   * height*scale}, row-major. The scale must have been checked.
   */
  public static int[] pixels(Video video, int t, int scale) {
    int[] src = video.argb(t);
    return scale == 1 ? src : upscale(src, video.width(), video.height(), scale);
  }

  /** Frame {@code t} as a new {@link BufferedImage#TYPE_INT_RGB} image, upscaled. */
  static BufferedImage image(Video video, int t, int scale) {
    int w = video.width() * scale;
    int h = video.height() * scale;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    img.getRaster().setDataElements(0, 0, w, h, pixels(video, t, scale));
    return img;
  }

  /** Nearest-neighbour upscale: every source pixel becomes a {@code scale x scale} block. */
  static int[] upscale(int[] src, int width, int height, int scale) {
    int ow = width * scale;
    int[] out = new int[Math.multiplyExact(ow, height * scale)];
    for (int y = 0; y < height; y++) {
      int rowStart = y * scale * ow;
      for (int x = 0; x < width; x++) {
        int p = src[y * width + x];
        int o = rowStart + x * scale;
        for (int k = 0; k < scale; k++) {
          out[o + k] = p;
        }
      }
      for (int k = 1; k < scale; k++) {
        System.arraycopy(out, rowStart, out, rowStart + k * ow, ow);
      }
    }
    return out;
  }
}
