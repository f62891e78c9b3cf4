package dev.vimi.compat;

import java.util.Objects;

/**
 * One named contract check. The JUnit suites turn checks into dynamic tests; the {@link
 * CompatRunner} runs the same checks against providers it discovers.
 *
 * @param name what the check verifies, as a short sentence
 * @param body the check; throws {@link AssertionError} (or any exception) on failure
 */
public record Check(String name, Body body) {
  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
  }

  /** The code of a check. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }
}
