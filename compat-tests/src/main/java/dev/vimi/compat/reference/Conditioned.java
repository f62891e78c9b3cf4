package dev.vimi.compat.reference;

import dev.vimi.spi.DenoiserInput;

/** How the oracle denoisers read the conditioning: the masked mean of the first channel. */
final class Conditioned {
  private Conditioned() {}

  /**
   * The masked average of {@code C[t, 0]} over valid positions of batch element {@code b}, or 0 for
   * the empty conditioning (all-zero mask).
   */
  static double shift(DenoiserInput in, int b) {
    int l = in.conditioning().dim(1);
    int d = in.conditioning().dim(2);
    double sum = 0;
    int n = 0;
    for (int t = 0; t < l; t++) {
      if (in.mask().get(b * l + t) != 0f) {
        sum += in.conditioning().get((b * l + t) * d);
        n++;
      }
    }
    return n == 0 ? 0.0 : sum / n;
  }
}
