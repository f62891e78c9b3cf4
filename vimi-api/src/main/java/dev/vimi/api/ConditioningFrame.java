package dev.vimi.api;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import java.util.Objects;

/**
 * A known frame of the video to generate: the model generates the other frames around it (image to
 * video with a first frame, a last frame to reach, key frames in between). Immutable.
 *
 * <p>The pixels may have any size: before each cascade stage the pipeline resizes the frame to the
 * stage's height and width, by area averaging where it shrinks an axis and by linear interpolation
 * with half-pixel centres where it enlarges one. When a stage has another frame count than the final
 * video, frame {@code index} of the video maps to the stage frame nearest to its centre, {@code
 * round((index + 0.5) * T_stage / T_video - 0.5)}. Only models whose denoiser declares the {@code
 * known_frames} and {@code known_mask} graph inputs take conditioning frames; the pipeline refuses
 * them otherwise.
 *
 * @param index the frame's index in the generated video, from 0 (for a long video: within the first
 *     clip)
 * @param pixels {@code [C, H, W]} in {@code [-1, 1]} (C = 3 for RGB); values outside are clamped
 */
public record ConditioningFrame(int index, Tensor pixels) {
  public ConditioningFrame {
    Objects.requireNonNull(pixels, "pixels");
    if (index < 0 || index >= StageSpec.MAX_FRAMES) {
      throw new InvalidInputException(
          "conditioning_frames", "frame index must be in [0, " + StageSpec.MAX_FRAMES + ") but is " + index);
    }
    if (pixels.rank() != 3) {
      throw new InvalidInputException(
          "conditioning_frames[" + index + "]", "pixels must have shape [C, H, W] but have " + pixels);
    }
    int bad = pixels.firstNonFinite();
    if (bad >= 0) {
      throw new InvalidInputException(
          "conditioning_frames[" + index + "]", "pixels hold a non-finite value at flat index " + bad);
    }
  }

  /**
   * A frame from an image of decoded pixels ({@link ImageRef.OfPixels}; alpha is ignored).
   *
   * @throws InvalidInputException if the image is not decoded pixels (decode a file first, e.g. with
   *     {@code dev.vimi.image.ImageLoader.readPixels})
   */
  public static ConditioningFrame of(int index, ImageRef image) {
    return new ConditioningFrame(index, pixels(image, "conditioning_frames[" + index + "]"));
  }

  /** Frame {@code t} of a video as the known frame {@code index}. */
  public static ConditioningFrame of(int index, Video video, int t) {
    int tn = video.frameCount();
    if (t < 0 || t >= tn) {
      throw new InvalidInputException("conditioning_frames[" + index + "]", "frame " + t + " out of range [0, " + tn + ")");
    }
    int h = video.height();
    int w = video.width();
    int plane = h * w;
    float[] out = new float[3 * plane];
    Tensor f = video.frames();
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < plane; i++) {
        out[c * plane + i] = f.get((c * tn + t) * plane + i);
      }
    }
    return new ConditioningFrame(index, Tensor.of(out, 3, h, w));
  }

  /** An image's RGB as {@code [3, H, W]} in [-1, 1]: {@code v = byte / 127.5 - 1}. */
  static Tensor pixels(ImageRef image, String field) {
    if (!(image instanceof ImageRef.OfPixels p)) {
      throw new InvalidInputException(
          field,
          "the image " + image.describe() + " is not decoded pixels; decode it first (ImageRef.OfPixels, e.g. "
              + "dev.vimi.image.ImageLoader.readPixels) so that the pipeline can resize it to each stage");
    }
    int plane = p.width() * p.height();
    int[] argb = p.argb();
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      int v = argb[i];
      out[i] = ((v >>> 16) & 0xFF) / 127.5f - 1f;
      out[plane + i] = ((v >>> 8) & 0xFF) / 127.5f - 1f;
      out[2 * plane + i] = (v & 0xFF) / 127.5f - 1f;
    }
    return Tensor.of(out, 3, p.height(), p.width());
  }
}
