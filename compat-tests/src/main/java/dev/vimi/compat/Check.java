package dev.vimi.compat;

import java.util.Objects;
import java.util.regex.Pattern;
import org.opentest4j.TestAbortedException;

/**
 * One named promise of a contract and the code that checks it. The JUnit suites run each check as a
 * test method named {@link #id()}; the {@link CompatRunner} runs the same checks against the
 * providers it discovers. Immutable.
 *
 * @param id the name of the suite's test method that runs this check, e.g. {@code
 *     excludedIdsNeverAppear}; a Java identifier, so that surefire's console and XML reports show it
 * @param promise what the provider promises, as a short sentence; every failure starts with it
 * @param body the check; throws {@link AssertionError} (or any exception) when the promise is broken
 * @param race true for checks that look for races between threads: their failures do not depend on
 *     the seed, and their messages say so instead of suggesting the seed
 */
public record Check(String id, String promise, Body body, boolean race) {
  private static final Pattern ID = Pattern.compile("[a-z][A-Za-z0-9]*");

  public Check {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(promise, "promise");
    Objects.requireNonNull(body, "body");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("a check id must be a lowerCamelCase Java identifier but is '" + id + "'");
    }
  }

  /** A check whose data follows the seed. */
  public static Check of(String id, String promise, Body body) {
    return new Check(id, promise, body, false);
  }

  /** A check that looks for races between threads. */
  public static Check race(String id, String promise, Body body) {
    return new Check(id, promise, body, true);
  }

  /** The promise; kept for report lines. */
  public String name() {
    return promise;
  }

  /**
   * Runs the check. A failure, or any exception the provider throws, comes back as a {@link
   * BrokenPromiseError} that names the promise, what was seen, and how to reproduce it. A skipped
   * capability ({@link TestAbortedException}) passes through unchanged.
   *
   * @param seed the seed the contract's data was made from, quoted in the failure message
   */
  public void run(long seed) throws BrokenPromiseError {
    try {
      body.run();
    } catch (TestAbortedException skipped) {
      throw skipped;
    } catch (Throwable t) {
      throw new BrokenPromiseError(this, seed, t);
    }
  }

  /** The code of a check. */
  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }
}
