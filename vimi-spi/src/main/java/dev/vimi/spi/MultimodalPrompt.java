package dev.vimi.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An interleaved sequence of text and image segments, as a task instruction assembles it and a
 * condition encoder consumes it. Immutable.
 *
 * @param segments the segments in reading order
 */
public record MultimodalPrompt(List<PromptSegment> segments) {

  public MultimodalPrompt {
    segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
  }

  public static MultimodalPrompt of(PromptSegment... segments) {
    return new MultimodalPrompt(List.of(segments));
  }

  /** The images in order of appearance. */
  public List<ImageRef> images() {
    List<ImageRef> out = new ArrayList<>();
    for (PromptSegment s : segments) {
      if (s instanceof PromptSegment.Image img) {
        out.add(img.image());
      }
    }
    return out;
  }

  /** The number of image segments. */
  public int imageCount() {
    return (int) segments.stream().filter(PromptSegment.Image.class::isInstance).count();
  }

  /** True if there is no text with non-whitespace content and no image. */
  public boolean isBlank() {
    for (PromptSegment s : segments) {
      if (s instanceof PromptSegment.Image || (s instanceof PromptSegment.Text t && !t.text().isBlank())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The prompt as one string with {@link PromptSegment#IMAGE_PLACEHOLDER} where images stand; text
   * segments are joined with a single space. This is the exact text an encoder tokenizes.
   */
  public String toPlaceholderText() {
    StringBuilder sb = new StringBuilder();
    for (PromptSegment s : segments) {
      String piece =
          switch (s) {
            case PromptSegment.Text t -> t.text().strip();
            case PromptSegment.Image i -> PromptSegment.IMAGE_PLACEHOLDER;
          };
      if (piece.isEmpty()) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(piece);
    }
    return sb.toString();
  }
}
