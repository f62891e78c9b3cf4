package dev.vimi.encoder.mllm.internal;

/**
 * The way from an image's pixels to its P projected tokens: the vision tower and projector W ({@link
 * VisionTower}), or nothing for a text-only encoder ({@link NoVision}).
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use. <b>Ownership.</b> Owns its graphs; closed by
 * whoever opened it, once no call is in flight.
 */
public sealed interface VisionPath extends AutoCloseable permits VisionTower, NoVision {

  /** The vision tower and projector when model.vision is set (their graphs tracked by {@code opened}), else none. */
  static VisionPath open(EncoderSettings s, Opened opened) {
    return s.vision().isPresent() ? VisionTower.open(s, opened) : new NoVision();
  }

  /** Whether images can be encoded. */
  boolean present();

  /**
   * Runs the graphs once on a blank image and returns P, the tokens per image (0 without a vision
   * tower).
   *
   * @param width the width the projected tokens must have
   * @param target what they must be as wide as, for the error message
   * @throws dev.vimi.spi.ConfigurationException if the shapes or widths do not fit
   * @throws dev.vimi.spi.BackendException if a graph fails
   */
  int probe(String owner, int width, String target);

  /**
   * The projected tokens of one image, {@code [P * width]}.
   *
   * @param pixels the preprocessed {@code [3, S, S]} tensor
   * @param what the image, for error messages
   * @param tokensPerImage P, as {@link #probe} found it
   * @throws dev.vimi.spi.BackendException if a graph fails or returns another shape
   */
  float[] imageTokens(float[] pixels, String what, int tokensPerImage);

  /** Frees the graphs. */
  @Override
  void close();
}
