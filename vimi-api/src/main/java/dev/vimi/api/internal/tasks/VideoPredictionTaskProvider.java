package dev.vimi.api.internal.tasks;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;

/** Built-in task provider: video prediction from text and a first frame (ViMi section 3.3). */
public final class VideoPredictionTaskProvider implements TaskProvider {
  @Override
  public String name() {
    return PaperTask.PREDICT.name();
  }

  @Override
  public String description() {
    return "video prediction from text and a first frame";
  }

  @Override
  public TaskInstruction create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of()); // a paper task reads no keys
    return PaperTask.PREDICT;
  }
}
