package dev.vimi.api;

import dev.vimi.spi.InvalidInputException;

/**
 * Stochastic churn of the EDM sampler (Karras et al. 2022, algorithm 2): at steps whose sigma lies in
 * {@code [sMin, sMax]} the noise level is raised by {@code gamma = min(amount / steps, sqrt(2) - 1)}
 * with fresh noise scaled by {@code sNoise}. ViMi samples deterministically: {@link #NONE}.
 *
 * @param amount S_churn, at least 0
 * @param sMin S_tmin
 * @param sMax S_tmax
 * @param sNoise S_noise
 */
public record Churn(double amount, double sMin, double sMax, double sNoise) {
  /** No churn: the deterministic sampler. */
  public static final Churn NONE = new Churn(0, 0, Double.POSITIVE_INFINITY, 1);

  public Churn {
    if (!(amount >= 0) || !Double.isFinite(amount)) {
      throw new InvalidInputException("churn", "S_churn must be a finite number >= 0 but is " + amount);
    }
    if (!(sMin >= 0) || !(sMax >= sMin)) {
      throw new InvalidInputException("churn", "need 0 <= S_tmin <= S_tmax but got " + sMin + ", " + sMax);
    }
    if (!(sNoise > 0) || !Double.isFinite(sNoise)) {
      throw new InvalidInputException("churn", "S_noise must be positive and finite but is " + sNoise);
    }
  }

  public boolean isNone() {
    return amount == 0;
  }
}
