package com.example.vimi.uniform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The closed form against numerical integration of the posterior over [a, b]. */
class PosteriorMeanTest {

  @ParameterizedTest
  @CsvSource({"0.0,0.1", "0.4,0.3", "-2.0,1.0", "3.0,0.5", "0.49,0.01", "25.0,80.0", "-7.0,0.2"})
  void matchesNumericalIntegration(double x, double sigma) {
    double a = -0.5;
    double b = 0.5;
    int n = 200_000;
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      double x0 = a + (b - a) * (i + 0.5) / n;
      double w = Math.exp(-0.5 * ((x - x0) / sigma) * ((x - x0) / sigma));
      num += w * x0;
      den += w;
    }
    double expected = den == 0 ? (x < a ? a : b) : num / den;
    assertThat(UniformOracleProvider.posteriorMean(x, sigma, a, b)).isCloseTo(expected, within(2e-5));
  }
}
