package dev.vimi.cli;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.retriever.lucene.LuceneRetriever;
import dev.vimi.retriever.lucene.LuceneRetrieverProvider;
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

  @Option(names = "--k1", description = "BM25 k1 (default ${DEFAULT-VALUE}).", defaultValue = "" + LuceneMemoryConfig.DEFAULT_K1)
  double k1;

  @Option(names = "--b", description = "BM25 b (default ${DEFAULT-VALUE}).", defaultValue = "" + LuceneMemoryConfig.DEFAULT_B)
  double b;

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

  /** The memory chosen by the options: a Lucene folder or a Vespa cluster. */
  Retriever openRetriever(PrintWriter err, ProgressBar.Mode progress) {
    return vespa() ? VespaMemory.open(endpoint) : open(err, progress);
  }

  /** The memory folder, building the embedded one if none was given. */
  Path resolve(PrintWriter err, ProgressBar.Mode progress) {
    return memory != null ? memory : DefaultMemory.ensure(err, progress);
  }

  LuceneRetriever open(PrintWriter err, ProgressBar.Mode progress) {
    Path dir = resolve(err, progress);
    Map<String, String> m = new HashMap<>();
    m.put(LuceneMemoryConfig.INDEX_DIR, dir.toString());
    m.put(LuceneMemoryConfig.K1, Double.toString(k1));
    m.put(LuceneMemoryConfig.B, Double.toString(b));
    if (searchThreads != null) {
      m.put(LuceneMemoryConfig.SEARCH_THREADS, searchThreads.toString());
    }
    return new LuceneRetrieverProvider().open(ProviderConfig.of("retriever lucene", m));
  }

  boolean isDefault() {
    return memory == null && !vespa();
  }
}
