package dev.vimi.bench.retrieval;

import dev.vimi.bench.shared.Queries;
import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The vimi side of bench/retrieval (see its README). A harness run by hand, not a test.
 *
 * <pre>
 * ingest CORPUS MEMORY_DIR THREADS [key=value ...]     CORPUS: .tsv (id TAB text) or .jsonl (id, caption)
 * search MEMORY_DIR QUERIES K THREADS PASSES HITS_OUT [key=value ...]
 * </pre>
 *
 * Prints one line of JSON with the measurement; key=value pairs are extra retriever settings
 * (k1, b, commit.every, ram.buffer.mb, ...).
 */
public final class VimiBench {
  private VimiBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "ingest" -> ingest(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), extra(args, 4));
      case "search" ->
          search(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
              Path.of(args[6]), extra(args, 7));
      case "report" -> Report.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      default -> throw new IllegalArgumentException("usage: ingest|search|report ...");
    }
  }

  private static Map<String, String> extra(String[] args, int from) {
    Map<String, String> m = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      m.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    return m;
  }

  private static ProviderConfig config(Path memory, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(extra);
    m.put("index.dir", memory.toString());
    return ProviderConfig.of("retriever lucene", m);
  }

  static void ingest(Path corpus, Path memory, int threads, Map<String, String> extra) {
    boolean optimize = Boolean.parseBoolean(extra.remove("optimize"));
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    long pairs;
    try (MemoryWriter w = lucene().openWriter(config(memory, extra));
        PairReader r = PairReaders.open(corpus, ReadOptions.defaults())) {
      IngestJob.Result res = IngestJob.of(threads, MalformedPolicy.FAIL, null).run(r, w);
      pairs = res.reader().read();
      if (optimize) {
        w.optimize();
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "{\"system\":\"vimi\",\"op\":\"ingest\",\"threads\":%d,\"docs\":%d,\"seconds\":%.3f,\"docs_per_s\":%.1f,\"cpu_seconds\":%.3f,"
            + "\"docs_per_cpu_s\":%.1f,\"optimize\":%b}%n",
        threads, pairs, secs, pairs / secs, cpu, pairs / cpu, optimize);
  }

  static void search(Path memory, Path queriesFile, int k, int threads, int passes, Path hitsOut, Map<String, String> extra)
      throws IOException, InterruptedException {
    List<String[]> queries = Queries.read(queriesFile);
    Map<String, String> cfg = new HashMap<>(extra);
    cfg.put("search.threads", Integer.toString(threads));
    try (Retriever r = lucene().open(config(memory, cfg))) {
      // the hits, for the agreement with the peer
      try (BufferedWriter w = Files.newBufferedWriter(hitsOut, StandardCharsets.UTF_8)) {
        for (String[] q : queries) {
          List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(q[1], k));
          for (int i = 0; i < hits.size(); i++) {
            w.write(q[0] + "\t" + (i + 1) + "\t" + hits.get(i).id() + "\t" + hits.get(i).score() + "\n");
          }
        }
      }
      Queries.Timing t =
          Queries.time(queries, threads, passes, q -> r.retrieve(new RetrievalQuery(q, k)).size());
      System.out.printf(
          Locale.ROOT,
          "{\"system\":\"vimi\",\"op\":\"search\",\"k\":%d,\"threads\":%d,\"queries\":%d,\"seconds\":%.3f,\"qps\":%.1f,"
              + "\"cpu_seconds\":%.3f,\"cpu_qps\":%.1f,\"segments\":%d,\"hits\":%d}%n",
          k, threads, t.queries(), t.seconds(), t.qps(), t.cpuSeconds(), t.cpuQps(threads), segments(memory), t.checksum());
    }
  }

  /** The {@code lucene} retriever, found the way every host finds it (the plugin's classes are not its API). */
  static RetrieverProvider lucene() {
    return ProviderLookup.byName("retriever", ProviderLookup.load(RetrieverProvider.class), "lucene");
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static long segments(Path memory) throws IOException {
    try (var s = Files.list(memory.resolve("lucene"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".si")).count();
    }
  }
}
