package dev.vimi.bench.retrieval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the JSON lines of a benchmark run into the markdown tables of the README, and compares the
 * top-K lists of the systems.
 *
 * <pre>report RESULTS.jsonl VIMI_HITS.tsv ANSERINI_HITS.tsv [LUCENE_HITS.tsv]</pre>
 *
 * Systems: {@code vimi}, {@code lucene} (raw Lucene at vimi's version, search only, on vimi's index)
 * and {@code anserini}; a system without rows for a measurement shows a dash.
 */
public final class Report {
  private Report() {}

  private static final String[] SYSTEMS = {"vimi", "lucene", "anserini"};

  public static void main(String[] args) throws IOException {
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
      if (line.startsWith("{")) {
        rows.add(m.readTree(line));
      }
    }
    StringBuilder out = new StringBuilder();
    for (boolean cpu : new boolean[] {false, true}) {
      out.append(cpu ? "CPU-normalised (work / CPU time of the measured threads or process, x threads):\n\n"
          : "Wall clock:\n\n");
      out.append("| measurement | threads | vimi | raw Lucene | Anserini | vimi / raw Lucene | vimi / Anserini |\n");
      out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
      for (String op : new String[] {"ingest", "merged", "search"}) {
        for (int threads : new int[] {1, 2}) {
          String field = op.equals("search") ? (cpu ? "cpu_qps" : "qps") : (cpu ? "docs_per_cpu_s" : "docs_per_s");
          double[] med = new double[SYSTEMS.length];
          boolean any = false;
          for (int i = 0; i < SYSTEMS.length; i++) {
            List<Double> v = values(rows, SYSTEMS[i], op, threads, field);
            med[i] = v.isEmpty() ? Double.NaN : median(v);
            any |= !v.isEmpty();
          }
          if (!any) {
            continue;
          }
          String what =
              switch (op) {
                case "ingest" -> "ingest, docs/s";
                case "merged" -> "ingest + merge to one segment, docs/s";
                default -> "top-3 search, queries/s";
              };
          out.append(
              String.format(
                  Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n", what, threads, num(med[0]), num(med[1]), num(med[2]),
                  ratio(med[0], med[1]), ratio(med[0], med[2])));
        }
      }
      out.append('\n');
    }
    out.append(agreement("Anserini", Path.of(args[1]), Path.of(args[2])));
    if (args.length > 3 && Files.exists(Path.of(args[3]))) {
      out.append(agreement("raw Lucene", Path.of(args[1]), Path.of(args[3])));
    }
    System.out.print(out);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
  }

  /** Rows of one measurement; {@code merged} is an ingest with {@code optimize} on. */
  private static List<Double> values(List<JsonNode> rows, String system, String op, int threads, String field) {
    List<Double> out = new ArrayList<>();
    String rowOp = op.equals("merged") ? "ingest" : op;
    boolean optimize = op.equals("merged");
    for (JsonNode r : rows) {
      if (r.path("system").asText().equals(system)
          && r.path("op").asText().equals(rowOp)
          && r.path("threads").asInt() == threads
          && r.path("optimize").asBoolean(false) == optimize) {
        out.add(r.path(field).asDouble());
      }
    }
    return out;
  }

  static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Per query: ids (in order) and scores. */
  private static Map<String, List<String[]>> hits(Path file) throws IOException {
    Map<String, List<String[]>> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.split("\t");
      out.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new String[] {f[2], f[3]});
    }
    return out;
  }

  static String agreement(String peer, Path vimiHits, Path peerHits) throws IOException {
    Map<String, List<String[]>> v = hits(vimiHits);
    Map<String, List<String[]>> a = hits(peerHits);
    Set<String> qids = new HashSet<>(v.keySet());
    qids.addAll(a.keySet());
    int identical = 0;
    int sameScores = 0;
    double overlap = 0;
    for (String q : qids) {
      List<String[]> x = v.getOrDefault(q, List.of());
      List<String[]> y = a.getOrDefault(q, List.of());
      List<String> xi = x.stream().map(h -> h[0]).toList();
      List<String> yi = y.stream().map(h -> h[0]).toList();
      if (xi.equals(yi)) {
        identical++;
      }
      boolean scores = x.size() == y.size();
      for (int i = 0; scores && i < x.size(); i++) {
        double s1 = Double.parseDouble(x.get(i)[1]);
        double s2 = Double.parseDouble(y.get(i)[1]);
        scores = Math.abs(s1 - s2) <= 1e-3 * Math.max(1, Math.abs(s2));
      }
      if (scores) {
        sameScores++;
      }
      Set<String> common = new HashSet<>(xi);
      common.retainAll(yi);
      int denom = Math.max(xi.size(), yi.size());
      overlap += denom == 0 ? 1 : (double) common.size() / denom;
    }
    int n = qids.size();
    return String.format(
        Locale.ROOT,
        "Top-3 agreement with %s over the %d queries with hits: %.2f%% have the same ids in the same order;"
            + " the top-3 id sets overlap by %.2f%% on average; %.2f%% have the same top-3 scores (same scores but"
            + " other ids means tied scores ordered differently).%n",
        peer, n, 100.0 * identical / n, 100.0 * overlap / n, 100.0 * sameScores / n);
  }
}
