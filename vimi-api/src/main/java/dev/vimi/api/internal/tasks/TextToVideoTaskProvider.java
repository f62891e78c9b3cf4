package dev.vimi.api.internal.tasks;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;

/** Built-in task provider: text-to-video with retrieved image-text examples (ViMi section 3.3). */
public final class TextToVideoTaskProvider implements TaskProvider {
  @Override
  public String name() {
    return PaperTask.T2V.name();
  }

  @Override
  public String description() {
    return "text-to-video with retrieved image-text examples";
  }

  @Override
  public TaskInstruction create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of()); // a paper task reads no keys
    return PaperTask.T2V;
  }
}
