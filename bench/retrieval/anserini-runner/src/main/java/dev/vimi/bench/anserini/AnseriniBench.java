package dev.vimi.bench.anserini;

import dev.vimi.bench.shared.Queries;
import io.anserini.index.IndexCollection;
import io.anserini.search.ScoredDoc;
import io.anserini.search.SimpleSearcher;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Anserini side of bench/retrieval (see its README): Anserini 0.39.0 (Lucene 9.9.1) in its own JVM.
 *
 * <pre>
 * prepare CORPUS_TSV JSON_DIR SHARDS        (not timed) the corpus as Anserini JsonCollection files
 * ingest JSON_DIR INDEX_DIR THREADS RAM_MB OPTIMIZE
 * search INDEX_DIR QUERIES K THREADS PASSES HITS_OUT K1 B
 * </pre>
 */
public final class AnseriniBench {
  private AnseriniBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      case "ingest" ->
          ingest(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Boolean.parseBoolean(args[5]));
      case "search" ->
          search(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
              Path.of(args[6]), Float.parseFloat(args[7]), Float.parseFloat(args[8]));
      default -> throw new IllegalArgumentException("usage: prepare|ingest|search ...");
    }
  }

  /** Splits the TSV into SHARDS JSONL files of {"id", "contents"}, round-robin, so that each indexing thread gets one. */
  static void prepare(Path tsv, Path dir, int shards) throws IOException {
    Files.createDirectories(dir);
    List<BufferedWriter> out = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      out.add(Files.newBufferedWriter(dir.resolve(String.format("part-%02d.jsonl", s)), StandardCharsets.UTF_8));
    }
    long n = 0;
    for (String line : (Iterable<String>) Files.lines(tsv, StandardCharsets.UTF_8)::iterator) {
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        continue;
      }
      BufferedWriter w = out.get((int) (n++ % shards));
      w.write("{\"id\":\"" + json(line.substring(0, tab)) + "\",\"contents\":\"" + json(line.substring(tab + 1)) + "\"}\n");
    }
    for (BufferedWriter w : out) {
      w.close();
    }
  }

  private static String json(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  static void ingest(Path jsonDir, Path index, int threads, int ramMb, boolean optimize) throws Exception {
    IndexCollection.Args a = new IndexCollection.Args();
    a.collectionClass = "JsonCollection";
    a.generatorClass = "DefaultLuceneDocumentGenerator";
    a.input = jsonDir.toString();
    a.index = index.toString();
    a.threads = threads;
    a.memoryBuffer = ramMb;
    a.optimize = optimize;
    a.storePositions = false;
    a.storeDocvectors = false;
    a.storeRaw = false;
    a.storeContents = false;
    a.quiet = true;
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    IndexCollection ic = new IndexCollection(a);
    ic.run();
    double secs = (System.nanoTime() - start) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    long docs = ic.getCounters().indexed.get();
    System.out.printf(
        Locale.ROOT,
        "{\"system\":\"anserini\",\"op\":\"ingest\",\"threads\":%d,\"docs\":%d,\"seconds\":%.3f,\"docs_per_s\":%.1f,\"cpu_seconds\":%.3f,"
            + "\"docs_per_cpu_s\":%.1f,\"optimize\":%b}%n",
        threads, docs, secs, docs / secs, cpu, docs / cpu, optimize);
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static void search(Path index, Path queriesFile, int k, int threads, int passes, Path hitsOut, float k1, float b)
      throws IOException, InterruptedException {
    List<String[]> queries = Queries.read(queriesFile);
    try (SimpleSearcher s = new SimpleSearcher(index.toString())) {
      s.set_bm25(k1, b);
      try (BufferedWriter w = Files.newBufferedWriter(hitsOut, StandardCharsets.UTF_8)) {
        for (String[] q : queries) {
          ScoredDoc[] hits = s.search(q[1], k);
          for (int i = 0; i < hits.length; i++) {
            w.write(q[0] + "\t" + (i + 1) + "\t" + hits[i].docid + "\t" + hits[i].score + "\n");
          }
        }
      }
      Queries.Timing t =
          Queries.time(
              queries,
              threads,
              passes,
              q -> {
                try {
                  return s.search(q, k).length;
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      long segments;
      try (var files = Files.list(index)) {
        segments = files.filter(p -> p.getFileName().toString().endsWith(".si")).count();
      }
      System.out.printf(
          Locale.ROOT,
          "{\"system\":\"anserini\",\"op\":\"search\",\"k\":%d,\"threads\":%d,\"queries\":%d,\"seconds\":%.3f,\"qps\":%.1f,"
              + "\"cpu_seconds\":%.3f,\"cpu_qps\":%.1f,\"segments\":%d,\"hits\":%d}%n",
          k, threads, t.queries(), t.seconds(), t.qps(), t.cpuSeconds(), t.cpuQps(threads), segments, t.checksum());
    }
  }
}
