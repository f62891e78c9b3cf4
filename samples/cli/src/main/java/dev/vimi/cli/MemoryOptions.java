package dev.vimi.cli;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
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

  @Option(names = "--retriever", defaultValue = "lucene", description = "lucene (default: a memory folder) or vespa (a Vespa cluster, see --endpoint).")
  String retriever;

  @Option(names = "--endpoint", paramLabel = "URL", description = "With --retriever vespa: the Vespa container cluster, e.g. http://localhost:8080.")
  String endpoint;

  /** Whether the memory is a Vespa cluster (--retriever vespa). */
  boolean vespa() {
    return VespaMemory.selected(retriever, endpoint, memory);
  }

  /** The name of the retriever provider the options select. */
  String providerName() {
    return vespa() ? Memories.VESPA : Memories.LUCENE;
  }

  /**
   * The retriever configuration of the memory the options select: a Vespa cluster, or a Lucene folder
   * (the embedded one, built first, if none was given) with the BM25 settings given.
   */
  Map<String, String> searchConfig(PrintWriter err, ProgressBar.Mode progress) {
    if (vespa()) {
      return VespaMemory.config(endpoint).asMap();
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

  /** Where the memory is, for people: the folder, or the Vespa cluster. */
  String describe(PrintWriter err, ProgressBar.Mode progress) {
    return vespa() ? "Vespa at " + endpoint : resolve(err, progress).toString();
  }

  boolean isDefault() {
    return memory == null && !vespa();
  }
}
