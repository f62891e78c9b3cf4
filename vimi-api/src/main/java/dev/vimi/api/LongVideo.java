package dev.vimi.api;

import dev.vimi.spi.InvalidInputException;

/**
 * How a video longer than the model's clip is made (ART-V, Weng et al. 2023: auto-regressive
 * extension). A request for more frames than the final stage's clip length generates clip after
 * clip. Immutable.
 *
 * <p><b>With a model that takes conditioning frames</b> ({@code known_frames}/{@code known_mask}),
 * every clip after the first is laid out as {@code [anchor | reference frames | new frames]}: slot 0
 * holds the <b>anchor frame</b> (frame 0 of the whole video, ART-V's answer to drift), the next
 * {@code referenceFrames} slots hold the last frames generated so far, and the model generates the
 * rest. Anchor and reference frames are noise-augmented with Gaussian noise of standard deviation
 * {@code referenceNoise} (ART-V's {@code t_test}; see {@link #sigmaOfDdpmStep(int)}) and clamped to
 * [-1, 1] before they condition the clip. The new frames are appended; with {@code blendFrames > 0}
 * the last {@code blendFrames} reference slots of the new clip are also cross-faded into the frames
 * they repeat (weights {@code k/(blendFrames+1)} for the new clip, k = 1..blendFrames, as
 * StreamingT2V and FIFO-Diffusion blend overlaps). Every clip runs through the whole cascade.
 *
 * <p><b>With a model that takes no conditioning frames</b>, the pipeline falls back to the
 * video-prediction task: every clip after the first gets the last frame so far as the prompt's first
 * frame, its frame 0 (which stands for that frame) is dropped and the rest appended; anchor, noise and
 * blending do not apply. The log says so.
 *
 * @param referenceFrames how many of the last generated frames condition the next clip (ART-V: 2)
 * @param anchor whether slot 0 of every later clip holds the anchor frame
 * @param referenceNoise sigma of the noise added to anchor and reference frames; 0 for none
 * @param blendFrames reference slots cross-faded into the frames they repeat; 0 for a hard cut
 */
public record LongVideo(int referenceFrames, boolean anchor, double referenceNoise, int blendFrames) {

  /** Two reference frames, the anchor, no reference noise, no blending. */
  public static final LongVideo DEFAULT = new LongVideo(2, true, 0.0, 0);

  public LongVideo {
    if (referenceFrames < 1 || referenceFrames > StageSpec.MAX_FRAMES) {
      throw new InvalidInputException(
          "long_video.reference_frames", "must be in [1, " + StageSpec.MAX_FRAMES + "] but is " + referenceFrames);
    }
    if (!(referenceNoise >= 0) || referenceNoise > 80) {
      throw new InvalidInputException("long_video.reference_noise", "must be a sigma in [0, 80] but is " + referenceNoise);
    }
    if (blendFrames < 0 || blendFrames > referenceFrames) {
      throw new InvalidInputException(
          "long_video.blend_frames",
          "must be in [0, reference_frames = " + referenceFrames + "] (only reference slots repeat earlier frames) but is "
              + blendFrames);
    }
  }

  public LongVideo withReferenceFrames(int n) {
    return new LongVideo(n, anchor, referenceNoise, Math.min(blendFrames, n));
  }

  public LongVideo withAnchor(boolean on) {
    return new LongVideo(referenceFrames, on, referenceNoise, blendFrames);
  }

  public LongVideo withReferenceNoise(double sigma) {
    return new LongVideo(referenceFrames, anchor, sigma, blendFrames);
  }

  public LongVideo withBlendFrames(int n) {
    return new LongVideo(referenceFrames, anchor, referenceNoise, n);
  }

  /**
   * The EDM sigma of DDPM step {@code t} (0-based) of Stable Diffusion's 1000-step scaled-linear
   * schedule (beta from 0.00085 to 0.012), which ART-V is built on: {@code sigma = sqrt((1 -
   * alphaBar_t) / alphaBar_t)}. ART-V's {@code t_test = 200} is {@code sigmaOfDdpmStep(200)}, about
   * 0.572 (in SD's latent units; a pixel-space model may want less).
   */
  public static double sigmaOfDdpmStep(int t) {
    if (t < 0 || t >= 1000) {
      throw new InvalidInputException("t_test", "must be a DDPM step in [0, 1000) but is " + t);
    }
    double b0 = Math.sqrt(0.00085);
    double b1 = Math.sqrt(0.012);
    double alphaBar = 1;
    for (int i = 0; i <= t; i++) {
      double sb = b0 + (b1 - b0) * i / 999.0;
      alphaBar *= 1 - sb * sb;
    }
    return Math.sqrt((1 - alphaBar) / alphaBar);
  }
}
