package dev.vimi.api;

/** The ODE solver of the EDM sampler (Karras et al. 2022, algorithm 1/2). */
public enum SamplerKind {
  /** Second-order Heun; the Euler correction is skipped on the last step (to sigma = 0). The default. */
  HEUN,
  /** First-order Euler. */
  EULER;

  /** Parses {@code heun} or {@code euler}. */
  public static SamplerKind parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "heun" -> HEUN;
      case "euler" -> EULER;
      default -> throw new dev.vimi.spi.InvalidInputException("sampler", "unknown sampler '" + s + "'; expected heun or euler");
    };
  }
}
