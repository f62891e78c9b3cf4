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
  LOW_RES_VIDEO;

  /** Parses the manifest spelling, e.g. {@code noisy_video} or {@code c_noise}. */
  public static InputRole parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "role",
          "unknown graph input role '" + s + "'; expected one of noisy_video, sigma, c_noise, conditioning, "
              + "conditioning_mask, fps, resolution, low_res_video");
    }
  }
}
