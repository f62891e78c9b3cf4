package dev.vimi.spi;

import java.util.Objects;

/** One piece of an interleaved multimodal prompt: text, or an image. Immutable. */
public sealed interface PromptSegment permits PromptSegment.Text, PromptSegment.Image {

  /** The placeholder that stands for an image in the textual form of a prompt. */
  String IMAGE_PLACEHOLDER = "<image>";

  static Text text(String text) {
    return new Text(text);
  }

  static Image image(ImageRef image) {
    return new Image(image);
  }

  /** A run of text. */
  record Text(String text) implements PromptSegment {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /** An image that stands at this position of the prompt. */
  record Image(ImageRef image) implements PromptSegment {
    public Image {
      Objects.requireNonNull(image, "image");
    }
  }
}
