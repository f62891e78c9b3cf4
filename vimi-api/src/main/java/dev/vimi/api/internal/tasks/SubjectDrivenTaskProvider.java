package dev.vimi.api.internal.tasks;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;

/** Built-in task provider: subject-driven generation from an interleaved text-and-image prompt (ViMi section 3.3). */
public final class SubjectDrivenTaskProvider implements TaskProvider {
  @Override
  public String name() {
    return PaperTask.SUBJECT.name();
  }

  @Override
  public String description() {
    return "subject-driven generation from an interleaved text-and-image prompt";
  }

  @Override
  public TaskInstruction create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of()); // a paper task reads no keys
    return PaperTask.SUBJECT;
  }
}
