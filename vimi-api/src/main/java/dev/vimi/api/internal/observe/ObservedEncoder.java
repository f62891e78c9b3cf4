package dev.vimi.api.internal.observe;

import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObservation.EncoderCall;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;

/** Times every encoder call. Does not close the encoder it wraps. */
final class ObservedEncoder implements ConditionEncoder {
  private final ConditionEncoder delegate;
  private final GenerationObservation obs;

  ObservedEncoder(ConditionEncoder delegate, GenerationObservation obs) {
    this.delegate = delegate;
    this.obs = obs;
  }

  @Override
  public Conditioning encode(MultimodalPrompt prompt) {
    long t = System.nanoTime();
    Conditioning c = delegate.encode(prompt);
    obs.onEncoderCall(EncoderCall.ENCODE, System.nanoTime() - t);
    return c;
  }

  @Override
  public Conditioning empty() {
    long t = System.nanoTime();
    Conditioning c = delegate.empty();
    obs.onEncoderCall(EncoderCall.EMPTY, System.nanoTime() - t);
    return c;
  }

  @Override
  public int length() {
    return delegate.length();
  }

  @Override
  public int dim() {
    return delegate.dim();
  }

  @Override
  public void close() {
    // the pipeline owns the encoder
  }
}
