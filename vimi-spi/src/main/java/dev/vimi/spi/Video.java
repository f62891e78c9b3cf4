package dev.vimi.spi;

import java.util.Objects;

/**
 * A generated video: RGB frames and their rate. Immutable.
 *
 * @param frames pixel values, shape {@code [3, T, H, W]}, in {@code [-1, 1]} (the diffusion
 *     convention: {@code -1} black, {@code 1} full intensity). Videos that {@code VimiPipeline}
 *     returns are clamped to that range. A video built by other code may hold values outside it;
 *     {@link #argb} and the writers then clip them
 * @param fps frames per second
 */
public record Video(Tensor frames, float fps) {
  public Video {
    Objects.requireNonNull(frames, "frames");
    if (frames.rank() != 4 || frames.dim(0) != 3) {
      throw new InvalidInputException("frames", "a video must have shape [3, T, H, W] but has " + frames);
    }
    if (frames.dim(1) == 0 || frames.dim(2) == 0 || frames.dim(3) == 0) {
      throw new InvalidInputException("frames", "a video must have at least one frame of at least 1x1 pixel: " + frames);
    }
    if (!(fps > 0) || !Float.isFinite(fps)) {
      throw new InvalidInputException("fps", "must be positive and finite but is " + fps);
    }
  }

  public int frameCount() {
    return frames.dim(1);
  }

  public int height() {
    return frames.dim(2);
  }

  public int width() {
    return frames.dim(3);
  }

  /** Frame {@code t} as packed opaque {@code 0xFFRRGGBB} pixels, row-major. */
  public int[] argb(int t) {
    int tn = frameCount();
    if (t < 0 || t >= tn) {
      throw new InvalidInputException("frame", "frame " + t + " out of range [0, " + tn + ")");
    }
    int h = height();
    int w = width();
    int plane = h * w;
    int[] out = new int[plane];
    int rBase = t * plane;
    int gBase = (tn + t) * plane;
    int bBase = (2 * tn + t) * plane;
    for (int i = 0; i < plane; i++) {
      out[i] = 0xFF000000 | (toByte(frames.get(rBase + i)) << 16) | (toByte(frames.get(gBase + i)) << 8) | toByte(frames.get(bBase + i));
    }
    return out;
  }

  /** Maps a value in [-1, 1] to a byte in [0, 255], clipping and rounding half up. */
  public static int toByte(float v) {
    float c = Float.isNaN(v) ? 0f : Math.max(-1f, Math.min(1f, v));
    return Math.round((c + 1f) * 127.5f);
  }
}
