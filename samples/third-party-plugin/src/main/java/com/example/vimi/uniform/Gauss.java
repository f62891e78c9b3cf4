package com.example.vimi.uniform;

/** The standard normal density and differences of its distribution function, accurate in the tails. */
final class Gauss {
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  private Gauss() {}

  static double pdf(double z) {
    return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
  }

  /** Phi(beta) - Phi(alpha) for alpha <= beta, computed on the side of the tail to keep precision. */
  static double cdfDifference(double alpha, double beta) {
    if (alpha > 0) {
      // both in the upper tail: Q(alpha) - Q(beta)
      return 0.5 * (erfc(alpha / Math.sqrt(2)) - erfc(beta / Math.sqrt(2)));
    }
    if (beta < 0) {
      // both in the lower tail: Phi(z) = Q(-z)
      return 0.5 * (erfc(-beta / Math.sqrt(2)) - erfc(-alpha / Math.sqrt(2)));
    }
    return 1 - 0.5 * erfc(-alpha / Math.sqrt(2)) - 0.5 * erfc(beta / Math.sqrt(2));
  }

  /**
   * The complementary error function, by the Chebyshev fit of Press et al. (Numerical Recipes,
   * section 6.2), relative error below 1.2e-7 everywhere.
   */
  static double erfc(double x) {
    double ans = erfcxAbs(Math.abs(x)) * Math.exp(-x * x);
    return x >= 0 ? ans : 2 - ans;
  }

  /** {@code exp(x^2) erfc(x)} for {@code x >= 0}, without overflow or underflow. */
  static double erfcx(double x) {
    if (x < 0) {
      throw new IllegalArgumentException("erfcx is used for x >= 0 only, got " + x);
    }
    return erfcxAbs(x);
  }

  private static double erfcxAbs(double z) {
    double t = 1 / (1 + 0.5 * z);
    double poly =
        -1.26551223
            + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
    return t * Math.exp(poly);
  }
}
