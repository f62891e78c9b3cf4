package dev.vimi.spi;

import java.util.Objects;

/**
 * One hit of a retrieval: an image-text pair with its score. Immutable.
 *
 * @param id the pair's id in the memory
 * @param caption the pair's caption
 * @param image the pair's image, or {@code null} for a text-only pair
 * @param score the retriever's relevance score (BM25 for the built-in retrievers); higher is better
 */
public record RetrievedItem(String id, String caption, ImageRef image, float score) {
  public RetrievedItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(caption, "caption");
    if (Float.isNaN(score)) {
      throw new InvalidInputException("score", "retrieved item '" + id + "' has a NaN score");
    }
  }
}
