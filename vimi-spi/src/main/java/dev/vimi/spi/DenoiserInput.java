package dev.vimi.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * The inputs of one network evaluation for a batch of B videos. Immutable; validated on creation.
 *
 * @param x the network input {@code [B, C, T, H, W]}: {@code c_in * x} (or {@code x} for {@link
 *     OutputKind#DENOISED})
 * @param sigma the noise level of each batch element {@code [B]}
 * @param cNoise {@code ln(sigma)/4} of each batch element {@code [B]}
 * @param conditioning token states {@code [B, L, D]}
 * @param mask conditioning masks {@code [B, L]}
 * @param fps frames per second of the requested video
 * @param lowRes the previous stage's output resized to this stage, {@code [B, C, T, H, W]}, or null
 *     for the first stage
 * @param knownFrames conditioning frames at this stage's size, {@code [B, C, T, H, W]} in {@code [-1,
 *     1]}, zeros at unknown frames (see {@link InputRole#KNOWN_FRAMES}); null when the pipeline gives
 *     none, which means the same as an all-zero mask
 * @param knownMask {@code [B, T]}: 1 where {@code knownFrames} holds a known frame, 0 otherwise; null
 *     exactly when {@code knownFrames} is
 */
public record DenoiserInput(
    Tensor x,
    float[] sigma,
    float[] cNoise,
    Tensor conditioning,
    Tensor mask,
    float fps,
    Tensor lowRes,
    Tensor knownFrames,
    Tensor knownMask) {

  /** Inputs without conditioning frames (as before known frames existed). */
  public DenoiserInput(
      Tensor x, float[] sigma, float[] cNoise, Tensor conditioning, Tensor mask, float fps, Tensor lowRes) {
    this(x, sigma, cNoise, conditioning, mask, fps, lowRes, null, null);
  }

  public DenoiserInput {
    Objects.requireNonNull(x, "x");
    Objects.requireNonNull(conditioning, "conditioning");
    Objects.requireNonNull(mask, "mask");
    if (x.rank() != 5) {
      throw new InvalidInputException("x", "noisy video must have shape [B, C, T, H, W] but has " + x);
    }
    int b = x.dim(0);
    sigma = sigma.clone();
    cNoise = cNoise.clone();
    if (sigma.length != b || cNoise.length != b) {
      throw new InvalidInputException("sigma", "need one sigma and one c_noise per batch element (" + b + ")");
    }
    if (conditioning.rank() != 3 || conditioning.dim(0) != b) {
      throw new InvalidInputException("conditioning", "must have shape [" + b + ", L, D] but has " + conditioning);
    }
    if (mask.rank() != 2 || mask.dim(0) != b || mask.dim(1) != conditioning.dim(1)) {
      throw new InvalidInputException(
          "mask", "must have shape [" + b + ", " + conditioning.dim(1) + "] but has " + mask);
    }
    if (lowRes != null && !Arrays.equals(lowRes.shape(), x.shape())) {
      throw new InvalidInputException("low_res", "must have the shape of x " + x + " but has " + lowRes);
    }
    if (!(fps > 0) || !Float.isFinite(fps)) {
      throw new InvalidInputException("fps", "must be positive and finite but is " + fps);
    }
    if ((knownFrames == null) != (knownMask == null)) {
      throw new InvalidInputException(
          "known_frames", "give known frames and their mask together (or neither), not only the " + (knownFrames == null ? "mask" : "frames"));
    }
    if (knownFrames != null) {
      if (!Arrays.equals(knownFrames.shape(), x.shape())) {
        throw new InvalidInputException("known_frames", "must have the shape of x " + x + " but has " + knownFrames);
      }
      if (knownMask.rank() != 2 || knownMask.dim(0) != b || knownMask.dim(1) != x.dim(2)) {
        throw new InvalidInputException(
            "known_mask", "must have shape [" + b + ", " + x.dim(2) + "] (batch, frames) but has " + knownMask);
      }
      for (int i = 0; i < knownMask.size(); i++) {
        float m = knownMask.get(i);
        if (m != 0f && m != 1f) {
          throw new InvalidInputException("known_mask", "must hold only 0 and 1 but holds " + m + " at flat index " + i);
        }
      }
    }
  }

  /** Whether this input carries conditioning frames (a mask with at least one known frame). */
  public boolean hasKnownFrames() {
    if (knownMask == null) {
      return false;
    }
    for (int i = 0; i < knownMask.size(); i++) {
      if (knownMask.get(i) != 0f) {
        return true;
      }
    }
    return false;
  }

  /** Batch elements {@code [from, to)} of every batched input. */
  public DenoiserInput slice(int from, int to) {
    return new DenoiserInput(
        x.slice(from, to),
        Arrays.copyOfRange(sigma, from, to),
        Arrays.copyOfRange(cNoise, from, to),
        conditioning.slice(from, to),
        mask.slice(from, to),
        fps,
        lowRes == null ? null : lowRes.slice(from, to),
        knownFrames == null ? null : knownFrames.slice(from, to),
        knownMask == null ? null : knownMask.slice(from, to));
  }

  /** Batch size B. */
  public int batch() {
    return x.dim(0);
  }

  @Override
  public float[] sigma() {
    return sigma.clone();
  }

  @Override
  public float[] cNoise() {
    return cNoise.clone();
  }

  /** Height of the video, from the shape of x. */
  public int height() {
    return x.dim(3);
  }

  /** Width of the video, from the shape of x. */
  public int width() {
    return x.dim(4);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DenoiserInput d
        && x.equals(d.x)
        && Arrays.equals(sigma, d.sigma)
        && Arrays.equals(cNoise, d.cNoise)
        && conditioning.equals(d.conditioning)
        && mask.equals(d.mask)
        && fps == d.fps
        && Objects.equals(lowRes, d.lowRes)
        && Objects.equals(knownFrames, d.knownFrames)
        && Objects.equals(knownMask, d.knownMask);
  }

  @Override
  public int hashCode() {
    return Objects.hash(x, Arrays.hashCode(sigma), conditioning, mask, fps);
  }

  @Override
  public String toString() {
    return "DenoiserInput[x=" + x + ", sigma=" + Arrays.toString(sigma) + ", conditioning=" + conditioning + "]";
  }
}
