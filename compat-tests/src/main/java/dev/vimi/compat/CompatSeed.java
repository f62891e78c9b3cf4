package dev.vimi.compat;

/**
 * The seed for the randomized data of the contract suites. Fixed by default so that runs are
 * repeatable; set the system property {@code vimi.compat.seed} to explore other data. Every failure
 * message of a suite names the seed, so a failure can be reproduced with
 * {@code -Dvimi.compat.seed=<seed>}.
 */
public final class CompatSeed {
  /** The default seed. */
  public static final long DEFAULT = 0x5EED_0F_71AL;

  private CompatSeed() {}

  /** The seed in force: {@code vimi.compat.seed} if set, otherwise {@link #DEFAULT}. */
  public static long current() {
    String s = System.getProperty("vimi.compat.seed");
    if (s == null || s.isBlank()) {
      return DEFAULT;
    }
    try {
      return Long.decode(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("vimi.compat.seed must be a long, got '" + s + "'", e);
    }
  }
}
