package dev.vimi.api.internal.sampling;

/** The denoised estimate {@code D(x; sigma)} the ODE solver integrates with. */
@FunctionalInterface
public interface DenoiseFunction {
  /**
   * Writes {@code D(x; sigma)} into {@code out}, so that a sampler can reuse one array from step to step.
   *
   * @param x the noisy sample (not modified)
   * @param out receives D(x; sigma), {@code x.length} values; not {@code x} itself
   */
  void denoiseInto(double[] x, double sigma, double[] out);

  /**
   * @param x the noisy sample (not modified)
   * @param sigma its noise level
   * @return a new array holding D(x; sigma)
   */
  default double[] denoise(double[] x, double sigma) {
    double[] out = new double[x.length];
    denoiseInto(x, sigma, out);
    return out;
  }
}
