package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Whether a task retrieves is decided once, by the task ({@code TaskInstruction.retrieves()}); callers
 * such as the command line ask {@link Plugins#taskRetrieves} instead of deciding by the task's name.
 */
class TaskRetrievesTest {
  private final Plugins plugins = Plugins.discover();

  @Test
  void onlyTextToVideoRetrievesAmongThePaperTasks() {
    assertThat(plugins.taskRetrieves("t2v")).isTrue();
    assertThat(plugins.taskRetrieves("subject")).isFalse();
    assertThat(plugins.taskRetrieves("predict")).isFalse();
  }

  @Test
  void anUnknownTaskIsTheRegistrysErrorListingThePresentOnes() {
    assertThatThrownBy(() -> plugins.taskRetrieves("t2i"))
        .isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("'t2i'")
        .hasMessageContaining("predict")
        .hasMessageContaining("t2v");
  }
}
