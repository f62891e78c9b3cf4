package dev.vimi.bench.lucene;

import dev.vimi.bench.shared.Queries;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * The ceiling side of bench/retrieval: top-K BM25 as a Lucene expert writes it by hand against the
 * same index files vimi searches, on Lucene itself (the version vimi uses), with none of vimi's code.
 * It reads the index vimi's ingest wrote, so both sides search the same postings and norms:
 *
 * <ul>
 *   <li>analysis: Lucene's {@link EnglishAnalyzer} (what vimi's {@code english} analyzer is), reused
 *       per thread by the analyzer's own reuse strategy;
 *   <li>query: one {@link TermQuery} per distinct term on the caption field, boosted by its count
 *       (the same scores as one clause per occurrence, fewer clauses), all {@code SHOULD}: a pure
 *       disjunction, which Lucene runs with its block-max MAXSCORE scorer;
 *   <li>collection: {@link TopScoreDocCollectorManager} with {@code totalHitsThreshold = k}, so that
 *       skipping starts as soon as k hits are in; no sort by id, no query cache (queries never repeat);
 *   <li>hits: the same fields a vimi hit carries (id, caption, image reference) read from the pair's
 *       binary doc values, strings decoded, keywords skipped without decoding;
 *   <li>BM25 k1/b as given, one shared {@link IndexSearcher}, no executor (each query on its thread).
 * </ul>
 *
 * <pre>search MEMORY_DIR QUERIES K THREADS PASSES HITS_OUT [k1=0.9] [b=0.4]</pre>
 *
 * Prints one line of JSON with the measurement. A harness run by hand, not a test.
 */
public final class LuceneBench {
  /** The BM25 field and the pair's doc values of a vimi memory (retriever-lucene's MemoryLayout.TEXT / PAIR). */
  static final String TEXT = "t";

  static final String PAIR = "p";

  private LuceneBench() {}

  /** One hit, as a caller needs it. */
  record Hit(String id, String caption, String image, float score) {}

  public static void main(String[] args) throws Exception {
    if (!args[0].equals("search")) {
      throw new IllegalArgumentException("usage: search MEMORY_DIR QUERIES K THREADS PASSES HITS_OUT [k1=..] [b=..]");
    }
    Map<String, String> extra = new HashMap<>();
    for (int i = 7; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      extra.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    search(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
        Path.of(args[6]), Float.parseFloat(extra.getOrDefault("k1", "0.9")), Float.parseFloat(extra.getOrDefault("b", "0.4")));
  }

  static void search(Path memory, Path queriesFile, int k, int threads, int passes, Path hitsOut, float k1, float b)
      throws IOException, InterruptedException {
    List<String[]> queries = Queries.read(queriesFile);
    try (FSDirectory dir = FSDirectory.open(memory.resolve("lucene"));
        DirectoryReader reader = DirectoryReader.open(dir);
        Analyzer analyzer = new EnglishAnalyzer()) {
      IndexSearcher searcher = new IndexSearcher(reader);
      searcher.setSimilarity(new BM25Similarity(k1, b));
      searcher.setQueryCache(null);
      try (BufferedWriter w = Files.newBufferedWriter(hitsOut, StandardCharsets.UTF_8)) {
        for (String[] q : queries) {
          List<Hit> hits = topK(searcher, reader, analyzer, q[1], k);
          for (int i = 0; i < hits.size(); i++) {
            w.write(q[0] + "\t" + (i + 1) + "\t" + hits.get(i).id() + "\t" + hits.get(i).score() + "\n");
          }
        }
      }
      Queries.Timing t = Queries.time(queries, threads, passes, q -> topK(searcher, reader, analyzer, q, k).size());
      long segments = reader.leaves().size();
      System.out.printf(
          Locale.ROOT,
          "{\"system\":\"lucene\",\"op\":\"search\",\"k\":%d,\"threads\":%d,\"queries\":%d,\"seconds\":%.3f,\"qps\":%.1f,"
              + "\"cpu_seconds\":%.3f,\"cpu_qps\":%.1f,\"segments\":%d,\"hits\":%d}%n",
          k, threads, t.queries(), t.seconds(), t.qps(), t.cpuSeconds(), t.cpuQps(threads), segments, t.checksum());
    }
  }

  static List<Hit> topK(IndexSearcher searcher, DirectoryReader reader, Analyzer analyzer, String text, int k) {
    try {
      Query q = query(analyzer, text);
      if (q == null) {
        return List.of();
      }
      TopDocs top = searcher.search(q, new TopScoreDocCollectorManager(k, k));
      List<LeafReaderContext> leaves = reader.leaves();
      List<Hit> out = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc sd : top.scoreDocs) {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
        BinaryDocValues pairs = leaf.reader().getBinaryDocValues(PAIR);
        if (pairs == null || !pairs.advanceExact(sd.doc - leaf.docBase)) {
          throw new IllegalStateException("document " + sd.doc + " has no pair");
        }
        out.add(decode(pairs.binaryValue(), sd.score));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One clause per distinct analysed term, boosted by its count; null if no term is left. */
  static Query query(Analyzer analyzer, String text) throws IOException {
    Map<String, Integer> counts = new HashMap<>();
    List<String> order = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        String t = term.toString();
        if (counts.merge(t, 1, Integer::sum) == 1) {
          order.add(t);
        }
      }
      ts.end();
    }
    if (order.isEmpty()) {
      return null;
    }
    if (order.size() == 1) {
      return clause(order.get(0), counts.get(order.get(0)));
    }
    BooleanQuery.Builder bq = new BooleanQuery.Builder();
    for (String t : order) {
      bq.add(clause(t, counts.get(t)), BooleanClause.Occur.SHOULD);
    }
    return bq.build();
  }

  private static Query clause(String term, int count) {
    Query q = new TermQuery(new Term(TEXT, term));
    return count == 1 ? q : new BoostQuery(q, count);
  }

  /**
   * The pair's bytes as retriever-lucene writes them (PairCodec): version byte, id, caption, keyword
   * count and keywords (vint-length UTF-8), image kind byte, and for references the path or URI.
   */
  static Hit decode(BytesRef data, float score) throws IOException {
    ByteArrayDataInput in = new ByteArrayDataInput(data.bytes, data.offset, data.length);
    in.readByte();
    String id = in.readString();
    String caption = in.readString();
    for (int n = in.readVInt(); n > 0; n--) {
      in.skipBytes(in.readVInt());
    }
    byte kind = in.readByte();
    String image = kind == 1 || kind == 2 || kind == 4 ? in.readString() : null;
    return new Hit(id, caption, image, score);
  }
}
