package dev.vimi.spi;

import java.util.List;
import java.util.Objects;

/**
 * One entry of an image-text memory: the key is the text (caption plus keywords), the value the
 * image. Immutable.
 *
 * @param id stable unique identifier within the memory
 * @param caption the caption, searched with BM25
 * @param keywords extra search terms (tags); may be empty
 * @param image the image, or {@code null} for a text-only entry
 */
public record ImageTextPair(String id, String caption, List<String> keywords, ImageRef image) {
  public ImageTextPair {
    if (id == null || id.isBlank()) {
      throw new InvalidInputException("id", "an image-text pair needs a non-blank id");
    }
    if (caption == null || caption.isBlank()) {
      throw new InvalidInputException("caption", "pair '" + id + "' has no caption");
    }
    keywords = List.copyOf(Objects.requireNonNullElse(keywords, List.of()));
  }

  public ImageTextPair(String id, String caption, ImageRef image) {
    this(id, caption, List.of(), image);
  }
}
