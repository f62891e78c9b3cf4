package dev.vimi.compat.broken;

import dev.vimi.compat.reference.GaussianOracleDenoiserProvider;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.Arrays;
import java.util.Optional;

/** Denoisers broken on purpose in their lifecycle or input checks; each wraps the Gaussian oracle. */
final class BrokenDenoisers {
  private BrokenDenoisers() {}

  static Denoiser reference() {
    return new GaussianOracleDenoiserProvider()
        .create(new DenoiserSpec("t", OutputKind.EDM, 0.5, 3, 2, 4, 6, 5, 7, Optional.empty()), ProviderConfig.empty("test"));
  }

  abstract static class Wrapper implements Denoiser {
    final Denoiser delegate = reference();

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
      return delegate.evaluate(input);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /** Forgets to mark itself closed: keeps answering after close(). */
  static final class WorksAfterClose extends Wrapper {
    @Override
    public void close() {
      // releases nothing and refuses nothing afterwards
    }
  }

  /** Throws on a second close(). */
  static final class ThrowsOnSecondClose extends Wrapper {
    private boolean closed;

    @Override
    public synchronized void close() {
      if (closed) {
        throw new IllegalStateException("already closed");
      }
      closed = true;
      delegate.close();
    }
  }

  /** Answers a video of the wrong shape with zeros instead of refusing it. */
  static final class AcceptsWrongShape extends Wrapper {
    @Override
    public Tensor evaluate(DenoiserInput in) {
      int[] v = spec().videoShape();
      if (!Arrays.equals(Arrays.copyOfRange(in.x().shape(), 1, 5), v)
          || in.conditioning().dim(1) != spec().conditioningLength()) {
        return Tensor.of(new float[in.x().size()], in.x().shape());
      }
      return delegate.evaluate(in);
    }
  }

  /** Replaces NaN and infinity by 0 silently instead of refusing them. */
  static final class SwallowsNonFinite extends Wrapper {
    @Override
    public Tensor evaluate(DenoiserInput in) {
      return delegate.evaluate(
          new DenoiserInput(clean(in.x()), in.sigma(), in.cNoise(), clean(in.conditioning()), in.mask(), in.fps(), in.lowRes()));
    }

    private static Tensor clean(Tensor t) {
      float[] v = t.toArray();
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          v[i] = 0f;
        }
      }
      return Tensor.of(v, t.shape());
    }
  }
}
