package dev.vimi.cli;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the commands that search a memory. */
final class MemoryOptions {
  @Option(
      names = {"-m", "--memory"},
      paramLabel = "DIR",
      description = "Memory folder (made by `vimi memory ingest`). Default: the embedded emoji memory, built on first use.")
  Path memory;

  @Option(names = "--k1", description = "BM25 k1 (default: the memory's retriever's, 0.9 for lucene).")
  Double k1;

  @Option(names = "--b", description = "BM25 b (default: the memory's retriever's, 0.4 for lucene).")
  Double b;

  @Option(names = "--search-threads", paramLabel = "N", description = "Threads for batches of queries (default: all processors).")
  Integer searchThreads;

  @Option(
      names = "--retriever",
      defaultValue = "lucene",
      description = "The retriever provider: lucene (default: a memory folder), vespa (a Vespa cluster, see --endpoint), or any other installed retriever (a wrong name lists them), configured with --retriever-config.")
  String retriever;

  @Option(
      names = "--retriever-config",
      paramLabel = "KEY=VALUE",
      description = "A configuration key of the retriever (repeatable; see its README). For a retriever other than lucene and vespa, its whole configuration.")
  Map<String, String> retrieverConfig = new LinkedHashMap<>();

  @Option(names = "--endpoint", paramLabel = "URL", description = "With --retriever vespa: the Vespa container cluster, e.g. http://localhost:8080.")
  String endpoint;

  /** Whether the memory is a Vespa cluster (--retriever vespa). */
  boolean vespa() {
    return VespaMemory.selected(retriever, endpoint, memory);
  }

  /** The name of the retriever provider the options select (an installed one; refused otherwise). */
  String providerName() {
    return vespa() ? Memories.VESPA : retriever.toLowerCase(Locale.ROOT);
  }

  /** Whether the memory is a Lucene folder (--retriever lucene, the default). */
  boolean lucene() {
    return providerName().equals(Memories.LUCENE);
  }

  /**
   * The retriever configuration of the memory the options select: a Vespa cluster, or a Lucene folder
   * (the embedded one, built first, if none was given) with the BM25 settings given.
   */
  Map<String, String> searchConfig(PrintWriter err, ProgressBar.Mode progress) {
    if (vespa()) {
      Map<String, String> m = new HashMap<>(VespaMemory.config(endpoint).asMap());
      m.putAll(retrieverConfig);
      return m;
    }
    if (!lucene()) {
      return new HashMap<>(retrieverConfig);
    }
    Map<String, String> m = new HashMap<>();
    m.put(Memories.INDEX_DIR, resolve(err, progress).toString());
    if (k1 != null) {
      m.put(Memories.K1, Double.toString(k1));
    }
    if (b != null) {
      m.put(Memories.B, Double.toString(b));
    }
    if (searchThreads != null) {
      m.put(Memories.SEARCH_THREADS, searchThreads.toString());
    }
    m.putAll(retrieverConfig);
    return m;
  }

  /** The memory chosen by the options, opened for searching through the provider of its name. */
  Retriever openRetriever(PrintWriter err, ProgressBar.Mode progress) {
    String name = providerName();
    return Memories.provider(name).open(ProviderConfig.of("retriever " + name, searchConfig(err, progress)));
  }

  /** The memory folder, building the embedded one if none was given. */
  Path resolve(PrintWriter err, ProgressBar.Mode progress) {
    return memory != null ? memory : DefaultMemory.ensure(err, progress);
  }

  /** Where the memory is, for people: the folder, the Vespa cluster, or another retriever's configuration. */
  String describe(PrintWriter err, ProgressBar.Mode progress) {
    if (vespa()) {
      return "Vespa at " + endpoint;
    }
    return lucene() ? resolve(err, progress).toString() : "retriever " + providerName() + " " + retrieverConfig;
  }

  boolean isDefault() {
    return memory == null && lucene();
  }
}
