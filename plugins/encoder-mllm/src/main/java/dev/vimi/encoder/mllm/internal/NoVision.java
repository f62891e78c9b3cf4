package dev.vimi.encoder.mllm.internal;

/**
 * A text-only encoder's {@link VisionPath}: no graphs, no image tokens. Prompts with images are
 * refused before they get here (see {@link PromptUnit#read}). Immutable.
 */
public record NoVision() implements VisionPath {

  @Override
  public boolean present() {
    return false;
  }

  @Override
  public int probe(String owner, int width, String target) {
    return 0;
  }

  @Override
  public float[] imageTokens(float[] pixels, String what, int tokensPerImage) {
    throw new IllegalStateException("this encoder has no vision tower, so it has no tokens for " + what);
  }

  @Override
  public void close() {}
}
