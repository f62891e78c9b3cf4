package dev.vimi.api.internal.sampling;

/** The denoised estimate {@code D(x; sigma)} the ODE solver integrates with. */
@FunctionalInterface
public interface DenoiseFunction {
  /**
   * @param x the noisy sample (not modified)
   * @param sigma its noise level
   * @return a new array holding D(x; sigma)
   */
  double[] denoise(double[] x, double sigma);
}
