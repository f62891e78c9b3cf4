package dev.vimi.api.internal.observe;

import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;

/**
 * Times every network evaluation. Forwards {@link #evaluateInto} as such, so that a backend that
 * writes into the caller's buffer keeps doing so. Does not close the denoiser it wraps.
 */
final class ObservedDenoiser implements Denoiser {
  private final Denoiser delegate;
  private final GenerationObservation obs;
  private final String stage;

  ObservedDenoiser(Denoiser delegate, GenerationObservation obs) {
    this.delegate = delegate;
    this.obs = obs;
    this.stage = delegate.spec().stage();
  }

  @Override
  public DenoiserSpec spec() {
    return delegate.spec();
  }

  @Override
  public int maxBatch() {
    return delegate.maxBatch();
  }

  @Override
  public Tensor evaluate(DenoiserInput input) {
    long t = System.nanoTime();
    Tensor out = delegate.evaluate(input);
    obs.onDenoiserCall(stage, input.batch(), System.nanoTime() - t);
    return out;
  }

  @Override
  public void evaluateInto(DenoiserInput input, FloatBuffer out) {
    long t = System.nanoTime();
    delegate.evaluateInto(input, out);
    obs.onDenoiserCall(stage, input.batch(), System.nanoTime() - t);
  }

  @Override
  public void close() {
    // the pipeline owns the denoiser
  }
}
