package dev.vimi.spi;

import java.util.List;
import java.util.Objects;

/**
 * What the user asked for, as a task instruction sees it. Immutable.
 *
 * @param prompt the user's prompt: text with images interleaved where the user placed them
 * @param firstFrame the first frame for video prediction, or null
 */
public record TaskInput(List<PromptSegment> prompt, ImageRef firstFrame) {
  public TaskInput {
    prompt = List.copyOf(Objects.requireNonNull(prompt, "prompt"));
  }

  /** The text of the prompt with images left out, segments joined by single spaces. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    for (PromptSegment s : prompt) {
      if (s instanceof PromptSegment.Text t && !t.text().isBlank()) {
        if (!sb.isEmpty()) {
          sb.append(' ');
        }
        sb.append(t.text().strip());
      }
    }
    return sb.toString();
  }

  /** Number of images in the prompt (the first frame not counted). */
  public int imageCount() {
    return (int) prompt.stream().filter(PromptSegment.Image.class::isInstance).count();
  }
}
