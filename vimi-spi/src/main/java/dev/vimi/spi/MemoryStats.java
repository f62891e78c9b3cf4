package dev.vimi.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Size figures of an image-text memory, and facts particular to its retriever. A figure a retriever
 * cannot know is {@code -1}. Immutable.
 *
 * @param pairs number of image-text pairs
 * @param distinctTerms number of distinct indexed terms
 * @param bytesOnDisk bytes the memory occupies on disk (or in the cluster)
 * @param details facts particular to the retriever, in the order it gives them, for listings such as
 *     {@code vimi memory stats}: where the memory is ({@link #MEMORY}), its analyzer ({@link
 *     #ANALYZER}), a cluster's document type, ...; keys are lower-case words joined by {@code _}
 */
public record MemoryStats(long pairs, long distinctTerms, long bytesOnDisk, Map<String, String> details) {

  /** Detail key: where the memory is, for people (a folder, a cluster URL). */
  public static final String MEMORY = "memory";

  /** Detail key: the text analyzer the memory was built with. */
  public static final String ANALYZER = "analyzer";

  public MemoryStats {
    Objects.requireNonNull(details, "details");
    Map<String, String> copy = new LinkedHashMap<>();
    details.forEach(
        (k, v) -> {
          if (k == null || !k.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*")) {
            throw new IllegalArgumentException(
                "a MemoryStats detail key must be lower-case words joined by '_' but is '" + k + "'");
          }
          copy.put(k, Objects.requireNonNull(v, () -> "the value of the MemoryStats detail '" + k + "'"));
        });
    details = Collections.unmodifiableMap(copy);
  }

  /** Figures without details. */
  public MemoryStats(long pairs, long distinctTerms, long bytesOnDisk) {
    this(pairs, distinctTerms, bytesOnDisk, Map.of());
  }
}
