package dev.vimi.api.internal.sampling;

import dev.vimi.spi.InvalidInputException;

/** Noise-level schedules. */
public final class SigmaSchedule {
  private SigmaSchedule() {}

  /**
   * The schedule of Karras et al. (2022, eq. 5): {@code n} noise levels from {@code sigmaMax} down to
   * {@code sigmaMin}, spaced uniformly in {@code sigma^(1/rho)}, followed by a final 0. The result has
   * {@code n + 1} entries.
   */
  public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
    if (n < 1) {
      throw new InvalidInputException("steps", "must be at least 1 but is " + n);
    }
    double[] s = new double[n + 1];
    double minInv = Math.pow(sigmaMin, 1 / rho);
    double maxInv = Math.pow(sigmaMax, 1 / rho);
    for (int i = 0; i < n; i++) {
      double frac = n == 1 ? 0 : (double) i / (n - 1);
      s[i] = Math.pow(maxInv + frac * (minInv - maxInv), rho);
    }
    s[n] = 0;
    return s;
  }
}
