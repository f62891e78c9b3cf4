package dev.vimi.compat;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;
import java.util.List;

/**
 * A third-party task that takes text only and keeps the default {@code accepts()}: the compat runner
 * must check it with a text-only input. Registered for this module's tests only.
 */
public final class CaptionOnlyTaskProvider implements TaskProvider {
  @Override
  public String name() {
    return "caption-only";
  }

  @Override
  public TaskInstruction create(ProviderConfig config) {
    config.requireKnownKeys(List.of());
    return new TaskInstruction() {
      @Override
      public String name() {
        return "caption-only";
      }

      @Override
      public String instruction() {
        return "Generate a video from the caption.";
      }

      @Override
      public boolean retrieves() {
        return false;
      }

      @Override
      public void validate(TaskInput input) {
        if (input.text().isBlank()) {
          throw new InvalidInputException("prompt", "the caption-only task needs a caption");
        }
        if (input.imageCount() > 0 || input.firstFrame() != null) {
          throw new InvalidInputException("images", "the caption-only task takes no images");
        }
      }

      @Override
      public MultimodalPrompt assemble(TaskInput input, List<RetrievedItem> retrieved) {
        return MultimodalPrompt.of(PromptSegment.text(instruction()), PromptSegment.text(input.text()));
      }
    };
  }
}
