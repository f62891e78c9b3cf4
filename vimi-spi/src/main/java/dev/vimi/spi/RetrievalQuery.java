package dev.vimi.spi;

import java.util.Objects;
import java.util.Set;

/**
 * A top-K retrieval request. Immutable.
 *
 * @param text the query text (a caption or prompt); not blank. It may hold no searchable word at all
 *     ({@code "???"}): a retriever then returns no hits
 * @param k how many hits to return at most; positive
 * @param excludeIds ids that must not be returned (a caption's own pair when building training
 *     data, to avoid leakage)
 */
public record RetrievalQuery(String text, int k, Set<String> excludeIds) {
  /** Upper bound on K; a larger K is a programming error, not a retrieval. */
  public static final int MAX_K = 10_000;

  public RetrievalQuery {
    Objects.requireNonNull(text, "text");
    if (text.isBlank()) {
      throw new InvalidInputException("query", "the query text is empty; give a caption or prompt to search for");
    }
    if (k <= 0 || k > MAX_K) {
      throw new InvalidInputException("k", "K must be in [1, " + MAX_K + "] but is " + k);
    }
    excludeIds = Set.copyOf(Objects.requireNonNullElse(excludeIds, Set.of()));
  }

  public RetrievalQuery(String text, int k) {
    this(text, k, Set.of());
  }
}
