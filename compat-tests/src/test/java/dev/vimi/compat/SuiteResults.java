package dev.vimi.compat;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a suite class through the JUnit Platform, as surefire does for a plugin author, and keeps the
 * result of each test method by its name. The suites under test are static nested classes, which
 * surefire's default excludes ({@code **}{@code /*$*}) keep out of the build's own run.
 */
public final class SuiteResults {
  /** The outcome of one test method. */
  public record Outcome(TestExecutionResult.Status status, Throwable failure) {
    public String message() {
      return failure == null ? "" : String.valueOf(failure.getMessage());
    }
  }

  private SuiteResults() {}

  public static Map<String, Outcome> run(Class<?> suite) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectClass(suite)).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
              String name = id.getDisplayName().replace("()", "");
              out.put(name, new Outcome(result.getStatus(), result.getThrowable().orElse(null)));
            } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && id.getSource().isPresent()) {
              out.put("<" + id.getDisplayName() + ">", new Outcome(result.getStatus(), result.getThrowable().orElse(null)));
            }
          }

          @Override
          public void executionSkipped(TestIdentifier id, String reason) {
            out.put(id.getDisplayName().replace("()", ""), new Outcome(TestExecutionResult.Status.ABORTED, null));
          }
        });
    return out;
  }
}
