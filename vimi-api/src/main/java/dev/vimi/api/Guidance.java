package dev.vimi.api;

import dev.vimi.spi.InvalidInputException;

/**
 * Classifier-free guidance on the denoised output: {@code D = D_u + w * (D_c - D_u)}. A scale of 1
 * means no guidance (the unconditional branch is then not evaluated). Immutable.
 */
public sealed interface Guidance permits Guidance.Constant, Guidance.LinearRamp {

  /** Largest accepted scale; larger values are almost certainly a typo. */
  double MAX_SCALE = 100.0;

  /** The scale for frame {@code t} of {@code frames}. */
  double scale(int t, int frames);

  /** True if every frame's scale is exactly 1, so the unconditional branch can be skipped. */
  boolean isIdentity();

  static Guidance constant(double scale) {
    return new Constant(scale);
  }

  static Guidance linearRamp(double min, double max) {
    return new LinearRamp(min, max);
  }

  /** The same scale for every frame. */
  record Constant(double scale) implements Guidance {
    public Constant {
      check("guidance", scale);
    }

    @Override
    public double scale(int t, int frames) {
      return scale;
    }

    @Override
    public boolean isIdentity() {
      return scale == 1.0;
    }
  }

  /**
   * A per-frame scale rising linearly from {@code min} at the first frame to {@code max} at the
   * last (as Stable Video Diffusion guides later frames harder).
   */
  record LinearRamp(double min, double max) implements Guidance {
    public LinearRamp {
      check("guidance.min", min);
      check("guidance.max", max);
    }

    @Override
    public double scale(int t, int frames) {
      return frames <= 1 ? max : min + (max - min) * t / (frames - 1.0);
    }

    @Override
    public boolean isIdentity() {
      return min == 1.0 && max == 1.0;
    }
  }

  private static void check(String field, double v) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(field, "guidance scale must be a finite number but is " + v);
    }
    if (v < 0 || v > MAX_SCALE) {
      throw new InvalidInputException(field, "guidance scale must be in [0, " + MAX_SCALE + "] but is " + v);
    }
  }
}
