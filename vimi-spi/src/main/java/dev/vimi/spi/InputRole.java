package dev.vimi.spi;

import java.util.Locale;

/**
 * The meaning of one input of an exported denoiser graph. A model bundle lists the graph's inputs
 * in order with their names and roles; ONNX backends bind by name, TorchScript backends by position.
 */
public enum InputRole {
  /** The (preconditioned) noisy video {@code [B, C, T, H, W]}. */
  NOISY_VIDEO,
  /** The noise level sigma {@code [B]}. */
  SIGMA,
  /** The noise embedding input c_noise {@code [B]}. */
  C_NOISE,
  /** The conditioning token states {@code [B, L, D]}. */
  CONDITIONING,
  /** The conditioning mask {@code [B, L]}. */
  CONDITIONING_MASK,
  /** Frames per second {@code [B]}. */
  FPS,
  /** Output resolution {@code [B, 2]} as (height, width). */
  RESOLUTION,
  /** The previous cascade stage's video resized to this stage's size {@code [B, C, T, H, W]}. */
  LOW_RES_VIDEO,
  /**
   * Conditioning frames: the known frames' pixels in {@code [-1, 1]} at the stage's own size, zeros at
   * unknown frames, float {@code [B, C, T, H, W]}. Declared together with {@link #KNOWN_MASK}; a
   * stage that declares both takes conditioning frames (first, last or any frames of a request, and
   * the reference frames of a long video). The unconditional branch of guidance gets the same known
   * frames.
   */
  KNOWN_FRAMES,
  /** Which frames {@link #KNOWN_FRAMES} holds: float {@code [B, T]}, 1 for a known frame, 0 otherwise. */
  KNOWN_MASK;

  /** Parses the manifest spelling, e.g. {@code noisy_video} or {@code c_noise}. */
  public static InputRole parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "role",
          "unknown graph input role '" + s + "'; expected one of noisy_video, sigma, c_noise, conditioning, "
              + "conditioning_mask, fps, resolution, low_res_video, known_frames, known_mask");
    }
  }
}
