package dev.vimi.cli;

import dev.vimi.api.Plugins;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrieverProvider;

/**
 * The command line's one way to a memory: the retriever provider of a name, found through vimi-api's
 * registry ({@link Plugins}), configured with the keys its README documents. The command line knows
 * provider names and configuration keys, never a plugin's classes; the plugins are on the module path
 * (or class path) at run time only.
 */
final class Memories {
  /** The memory in a folder (the default). */
  static final String LUCENE = "lucene";
  /** The memory in a Vespa cluster. */
  static final String VESPA = "vespa";

  // keys of the lucene retriever that the command line's options set (plugins/retriever-lucene/README.md)
  static final String INDEX_DIR = "index.dir";
  static final String K1 = "k1";
  static final String B = "b";
  static final String SEARCH_THREADS = "search.threads";
  static final String COMMIT_EVERY = "commit.every";
  static final String COMMIT_INTERVAL_SECONDS = "commit.interval.seconds";
  static final String IMAGES = "images";
  static final String DEDUP_CAPTIONS = "dedup.captions";
  static final String MAX_CAPTION_CHARS = "max.caption.chars";
  static final String ANALYZER = "analyzer";

  private Memories() {}

  /**
   * The retriever provider named {@code name}.
   *
   * @throws dev.vimi.api.ProviderNotFoundException if no jar on the path provides it; the message lists
   *     the names that are present
   */
  static RetrieverProvider provider(String name) {
    return Plugins.discover().retrievers().get(name);
  }

  /** The configuration of a Lucene memory folder, with nothing but the folder. */
  static ProviderConfig luceneFolder(java.nio.file.Path dir) {
    return ProviderConfig.of("retriever " + LUCENE, java.util.Map.of(INDEX_DIR, dir.toString()));
  }
}
