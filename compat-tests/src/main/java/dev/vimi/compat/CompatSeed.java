package dev.vimi.compat;

import java.security.SecureRandom;

/**
 * The seed for the randomized data of the contract suites. Each JVM draws a fresh one, so that every
 * run (and every CI build) tests other data, as Lucene's test framework does; every failure message
 * names the seed, and {@code -Dvimi.compat.seed=<seed>} replays it. Immutable.
 */
public final class CompatSeed {
  /** A fixed seed for callers that want repeatable data regardless of the run (tests of the suites themselves). */
  public static final long DEFAULT = 0x5EED_0F_71AL;

  /** The seed of this JVM's run when {@code vimi.compat.seed} is not set; drawn once. */
  private static final long RUN_SEED = new SecureRandom().nextLong() >>> 1;

  private CompatSeed() {}

  /**
   * The seed in force: {@code vimi.compat.seed} if set (decimal or {@code 0x} hex), otherwise a seed
   * drawn once per JVM.
   *
   * @throws IllegalArgumentException if the property is set but not a long
   */
  public static long current() {
    String s = System.getProperty("vimi.compat.seed");
    if (s == null || s.isBlank()) {
      return RUN_SEED;
    }
    try {
      return Long.decode(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-Dvimi.compat.seed must be a long (e.g. 12345 or 0x3039) but is '" + s + "'; copy it from a failure message", e);
    }
  }

  /** Whether the seed was given with {@code vimi.compat.seed} rather than drawn for this run. */
  public static boolean replayed() {
    String s = System.getProperty("vimi.compat.seed");
    return s != null && !s.isBlank();
  }
}
