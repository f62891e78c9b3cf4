package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The retriever contract as a list of {@link Check}s over one generated memory. Used by {@link
 * RetrieverContractSuite} and by {@link CompatRunner}.
 *
 * <p>A pair <i>matches</i> a query when the query shares a word with the pair's caption or keywords
 * (words are maximal runs of letters and digits, compared lower-cased). The generated memory is made
 * of plain English words that no common analyzer stems onto each other, so this is what every BM25
 * retriever computes.
 *
 * <p>Not thread-safe (the suite calls it from one thread; the concurrency check starts its own
 * threads). Owns the retriever it creates and closes it, twice, in {@link #close()}.
 */
public final class RetrieverContract implements AutoCloseable {

  /** Builds a retriever over exactly the given pairs. */
  @FunctionalInterface
  public interface Factory {
    Retriever create(List<ImageTextPair> memory, Path workDir) throws Exception;
  }

  /** What a retriever declares it can do; the checks of capabilities it lacks are skipped. */
  public record Capabilities(boolean preservesImages, boolean storesPixelImages) {
    /** Keeps images, encoded ones only: what the built-in retrievers do. */
    public static final Capabilities DEFAULT = new Capabilities(true, false);
  }

  /** Size of the generated memory. */
  public static final int MEMORY_SIZE = 150;

  /** Threads of the concurrency check. */
  static final int THREADS = 8;

  /**
   * Rounds of the concurrency check. In each round every thread runs all queries in its own order;
   * the threads start each round together, so that they stay interleaved even on a busy machine where
   * a race shows only when a thread is descheduled in the middle of a query.
   */
  static final int ROUNDS = 16;

  private final Factory factory;
  private final Path workDir;
  private final long seed;
  private final Capabilities capabilities;
  private List<ImageTextPair> memory;
  private Map<String, ImageTextPair> byId;
  private Retriever retriever;

  public RetrieverContract(Factory factory, Path workDir, long seed, Capabilities capabilities) {
    this.factory = factory;
    this.workDir = workDir;
    this.seed = seed;
    this.capabilities = capabilities;
  }

  /** A contract for a retriever that keeps encoded images ({@code checkImages}) or not. */
  public RetrieverContract(Factory factory, Path workDir, long seed, boolean checkImages) {
    this(factory, workDir, seed, new Capabilities(checkImages, false));
  }

  /** The seed the memory and the queries are made from. */
  public long seed() {
    return seed;
  }

  private Retriever retriever() throws Exception {
    if (retriever == null) {
      memory = CompatData.memory(MEMORY_SIZE, seed, workDir.resolve("images"), capabilities.storesPixelImages());
      byId = new HashMap<>();
      memory.forEach(p -> byId.put(p.id(), p));
      retriever = factory.create(memory, workDir.resolve("memory"));
      assertThat(retriever).as("the factory's retriever").isNotNull();
    }
    return retriever;
  }

  public List<Check> checks() {
    return List.of(
        Check.of("hitsAreSortedBoundedAndDistinct", "hits are sorted by descending score, at most K, distinct, with finite scores", this::sortedAndBounded),
        Check.of("captionQueriedVerbatimRanksItsPairFirst", "a caption queried verbatim ranks its own pair first", this::verbatimFirst),
        Check.of("returnsMinOfKAndMatchingPairs", "a query returns min(K, number of matching pairs) hits, for every K", this::minOfKAndMatches),
        Check.of("largeKReturnsEveryMatchOnce", "a K larger than the memory returns every matching pair exactly once, however many", this::largeK),
        Check.of("everyHitMatchesTheQuery", "every hit shares a word with the query (no padding with pairs that do not match)", this::onlyMatches),
        Check.of("excludedIdsNeverAppear", "no excluded id appears, however many are excluded, and the other pairs still fill K", this::exclusion),
        Check.of("sameQueryGivesSameHits", "the same query gives the same hits in the same order", this::deterministic),
        Check.of("batchEqualsSingleRetrievals", "retrieveAll gives what retrieve gives for each query, in order", this::batch),
        Check.race("concurrentQueriesAgreeWithSingleThreaded", "answers given to many threads at once equal the single-threaded answers (the retriever is thread-safe)", this::concurrent),
        Check.of("unmatchedQueryReturnsNoHits", "a query that matches nothing returns no hits", this::noMatch),
        Check.of("queryWithoutSearchableWordsReturnsNoHits", "a query with no searchable words (\"???\") returns no hits and throws nothing", this::noWords),
        Check.of("statsCountEveryPair", "stats() counts every pair (or says -1 for unknown)", this::stats),
        Check.of("hitsCarryTheStoredCaption", "hits carry the stored caption", this::captions),
        Check.of("hitsCarryTheStoredImage", "hits carry the stored image: file, in-memory bytes, or in-memory pixels", this::images));
  }

  // ---- data helpers

  private static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static boolean matches(ImageTextPair p, Set<String> queryWords) {
    for (String w : words(p.caption() + " " + String.join(" ", p.keywords()))) {
      if (queryWords.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** Ids of the pairs that match {@code text}, in memory order. */
  private Set<String> matching(String text) {
    Set<String> q = new TreeSet<>(words(text));
    Set<String> out = new LinkedHashSet<>();
    for (ImageTextPair p : memory) {
      if (matches(p, q)) {
        out.add(p.id());
      }
    }
    return out;
  }

  /** A word of exactly one pair's caption (the memory's captions end in such unique tokens). */
  private String rareWord(Random rnd) {
    List<ImageTextPair> pairs = memory;
    for (int tries = 0; tries < pairs.size(); tries++) {
      List<String> ws = words(pairs.get(rnd.nextInt(pairs.size())).caption());
      for (String w : ws) {
        if (matching(w).size() == 1) {
          return w;
        }
      }
    }
    throw new IllegalStateException("the compat memory has no word that only one caption holds");
  }

  /** Vocabulary words, most frequent in the memory first. */
  private List<String> frequentWords() {
    Map<String, Integer> count = new HashMap<>();
    for (String w : CompatData.VOCABULARY) {
      count.put(w, matching(w).size());
    }
    List<String> out = new ArrayList<>(CompatData.VOCABULARY);
    out.sort(Comparator.comparing((String w) -> -count.get(w)).thenComparing(w -> w));
    return out;
  }

  private List<RetrievalQuery> randomQueries(int n, int maxK, long salt) {
    Random rnd = new Random(seed ^ salt);
    List<RetrievalQuery> qs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String q = CompatData.VOCABULARY.get(rnd.nextInt(CompatData.VOCABULARY.size()));
      if (rnd.nextBoolean()) {
        q += " " + CompatData.VOCABULARY.get(rnd.nextInt(CompatData.VOCABULARY.size()));
      }
      qs.add(new RetrievalQuery(q, 1 + rnd.nextInt(maxK)));
    }
    return qs;
  }

  private static List<String> ids(List<RetrievedItem> hits) {
    return hits.stream().map(RetrievedItem::id).toList();
  }

  private static String show(List<RetrievedItem> hits) {
    return hits.stream().map(h -> h.id() + "@" + h.score()).collect(Collectors.joining(", ", "[", "]"));
  }

  // ---- checks

  private void sortedAndBounded() throws Exception {
    Retriever r = retriever();
    for (RetrievalQuery q : randomQueries(24, 8, 0x51)) {
      List<RetrievedItem> hits = r.retrieve(q);
      assertThat(hits).as("hits for '%s' with K=%d", q.text(), q.k()).hasSizeLessThanOrEqualTo(q.k());
      for (int i = 0; i < hits.size(); i++) {
        assertThat(Float.isFinite(hits.get(i).score())).as("finite score of hit %d for '%s': %s", i, q.text(), show(hits)).isTrue();
        if (i > 0) {
          assertThat(hits.get(i).score())
              .as("score of hit %d for '%s' is not above the one before: %s", i, q.text(), show(hits))
              .isLessThanOrEqualTo(hits.get(i - 1).score());
        }
      }
      assertThat(ids(hits)).as("ids of the hits for '%s'", q.text()).doesNotHaveDuplicates();
    }
  }

  private void verbatimFirst() throws Exception {
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 15) {
      ImageTextPair p = memory.get(i);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(p.caption(), 3));
      assertThat(hits).as("hits for the caption of %s ('%s')", p.id(), p.caption()).isNotEmpty();
      assertThat(hits.get(0).id()).as("top hit for the caption of %s ('%s'); hits %s", p.id(), p.caption(), show(hits)).isEqualTo(p.id());
    }
  }

  private void minOfKAndMatches() throws Exception {
    Retriever r = retriever();
    List<String> frequent = frequentWords();
    Random rnd = new Random(seed ^ 0x4B);
    List<String> queries = new ArrayList<>(frequent.subList(0, 3));
    for (int i = 0; i < 3; i++) {
      queries.add(frequent.get(rnd.nextInt(frequent.size())) + " " + frequent.get(rnd.nextInt(frequent.size())));
    }
    // and, whatever the seed, a query that matches exactly one pair (a word of one caption only), so that
    // every K above 1 shows whether the retriever pads with pairs that do not match
    queries.add(rareWord(rnd));
    int[] ks = {1, 2, 3, 4, 5, 6, 7, 9, 12, 17, 25};
    for (String q : queries) {
      int matches = matching(q).size();
      for (int k : ks) {
        List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(q, k));
        assertThat(hits.size())
            .as("'%s' matches %d pairs, so K=%d must give min(K, %d) = %d hits; got %d: %s", q, matches, k, matches,
                Math.min(k, matches), hits.size(), show(hits))
            .isEqualTo(Math.min(k, matches));
      }
    }
  }

  private void largeK() throws Exception {
    Retriever r = retriever();
    List<String> vocabulary = new ArrayList<>(CompatData.VOCABULARY);
    Collections.shuffle(vocabulary, new Random(seed ^ 0x1A));
    String q = String.join(" ", vocabulary.subList(0, 25));
    Set<String> expected = matching(q);
    int k = Math.min(RetrievalQuery.MAX_K, MEMORY_SIZE + 50);
    List<String> got = ids(r.retrieve(new RetrievalQuery(q, k)));
    assertThat(got).as("ids for a %d-word query with K=%d", 25, k).doesNotHaveDuplicates();
    Set<String> missing = new TreeSet<>(expected);
    got.forEach(missing::remove);
    assertThat(missing)
        .as("'%s' matches %d pairs and K=%d is larger than the memory, but %d hits came back; missing (first 10): %s",
            q, expected.size(), k, got.size(), missing.stream().limit(10).toList())
        .isEmpty();
    assertThat(got.size()).as("hits for '%s' with K=%d (%d pairs match)", q, k, expected.size()).isEqualTo(expected.size());
  }

  private void onlyMatches() throws Exception {
    Retriever r = retriever();
    Random rnd = new Random(seed ^ 0x0B);
    List<RetrievalQuery> qs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int pair = rnd.nextInt(memory.size());
      // the pair's unique word matches that pair alone; a K above 1 leaves room for padding
      qs.add(new RetrievalQuery(CompatData.uniqueWord(pair), 2 + rnd.nextInt(8)));
    }
    for (int i = 0; i < 4; i++) {
      qs.add(new RetrievalQuery(CompatData.VOCABULARY.get(rnd.nextInt(CompatData.VOCABULARY.size())), MEMORY_SIZE));
    }
    for (RetrievalQuery q : qs) {
      Set<String> queryWords = new TreeSet<>(words(q.text()));
      List<RetrievedItem> hits = r.retrieve(q);
      for (RetrievedItem h : hits) {
        ImageTextPair p = byId.get(h.id());
        assertThat(p).as("hit %s for '%s' is no pair of the memory", h.id(), q.text()).isNotNull();
        assertThat(matches(p, queryWords))
            .as("hit %s (score %s, caption '%s') for '%s' with K=%d shares no word with the query; %d pairs match, hits %s",
                h.id(), h.score(), p.caption(), q.text(), q.k(), matching(q.text()).size(), show(hits))
            .isTrue();
      }
    }
  }

  private void exclusion() throws Exception {
    Retriever r = retriever();
    Random rnd = new Random(seed ^ 0xE8);
    for (int i = 0; i < memory.size(); i += 19) {
      ImageTextPair p = memory.get(i);
      int k = 3 + rnd.nextInt(4);
      List<String> unexcluded = ids(r.retrieve(new RetrievalQuery(p.caption(), k + 4)));
      // exclude the pair itself, two more of its best hits, and an id the memory does not hold
      Set<String> excluded = new TreeSet<>();
      excluded.add(p.id());
      unexcluded.stream().filter(id -> !id.equals(p.id())).limit(2).forEach(excluded::add);
      excluded.add("not-in-the-memory-" + i);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(p.caption(), k, excluded));
      assertThat(ids(hits)).as("hits for the caption of %s excluding %s: %s", p.id(), excluded, show(hits)).doesNotContainAnyElementsOf(excluded);
      Set<String> left = matching(p.caption());
      left.removeAll(excluded);
      assertThat(hits.size())
          .as("hits for the caption of %s excluding %s with K=%d: %d other pairs match, so min(K, %d) must come back; got %s",
              p.id(), excluded, k, left.size(), left.size(), show(hits))
          .isEqualTo(Math.min(k, left.size()));
    }
  }

  private void deterministic() throws Exception {
    Retriever r = retriever();
    for (RetrievalQuery q : randomQueries(10, 6, 0xD7)) {
      assertThat(r.retrieve(q)).as("a repeat of '%s' with K=%d", q.text(), q.k()).isEqualTo(r.retrieve(q));
    }
  }

  private void batch() throws Exception {
    Retriever r = retriever();
    List<RetrievalQuery> qs = randomQueries(16, 6, 0xBA);
    List<List<RetrievedItem>> all = r.retrieveAll(qs);
    assertThat(all).as("one result list per query").hasSize(qs.size());
    for (int i = 0; i < qs.size(); i++) {
      assertThat(all.get(i)).as("batch result %d for '%s'", i, qs.get(i).text()).isEqualTo(r.retrieve(qs.get(i)));
    }
  }

  /**
   * {@value #THREADS} threads run all queries {@value #ROUNDS} times, each in its own order, starting
   * every round together; every answer is compared with the answer the same query got on one thread.
   */
  private void concurrent() throws Exception {
    Retriever r = retriever();
    List<RetrievalQuery> qs = new ArrayList<>(randomQueries(24, 8, 0xC0));
    for (int i = 0; i < 8; i++) {
      ImageTextPair p = memory.get((i * 37) % memory.size());
      qs.add(new RetrievalQuery(p.caption(), 4, Set.of(p.id())));
    }
    List<List<RetrievedItem>> expected = new ArrayList<>();
    for (RetrievalQuery q : qs) {
      expected.add(r.retrieve(q));
    }
    CyclicBarrier round = new CyclicBarrier(THREADS);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<String> differences = Collections.synchronizedList(new ArrayList<>());
    int answers = THREADS * ROUNDS * qs.size();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  List<Integer> order = new ArrayList<>();
                  for (int i = 0; i < qs.size(); i++) {
                    order.add(i);
                  }
                  Random rnd = new Random(seed + thread);
                  for (int n = 0; n < ROUNDS; n++) {
                    Collections.shuffle(order, rnd);
                    round.await();
                    for (int i : order) {
                      RetrievalQuery q = qs.get(i);
                      try {
                        List<RetrievedItem> got = r.retrieve(q);
                        if (!got.equals(expected.get(i))) {
                          differences.add(
                              "'" + q.text() + "' (K=" + q.k() + "): got " + show(got) + ", single-threaded " + show(expected.get(i)));
                        }
                      } catch (RuntimeException | Error e) {
                        // recorded, not thrown: a thread that left early would keep the others waiting at the barrier
                        differences.add("'" + q.text() + "' (K=" + q.k() + "): threw " + e);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    if (!differences.isEmpty()) {
      throw new AssertionError(
          differences.size() + " of " + answers + " answers given while " + THREADS
              + " threads queried at once differ from the single-threaded answers; the first: " + differences.get(0));
    }
  }

  private void noMatch() throws Exception {
    List<RetrievedItem> hits = retriever().retrieve(new RetrievalQuery("xylophonequux wobblefrotz", 3));
    assertThat(hits).as("hits for words no pair holds: %s", show(hits)).isEmpty();
  }

  private void noWords() throws Exception {
    Retriever r = retriever();
    for (String q : List.of("???", "!!! ...", " - / - ", "¿¡", "#$%&*()", "\"\"")) {
      List<RetrievedItem> hits;
      try {
        hits = r.retrieve(new RetrievalQuery(q, 3));
      } catch (RuntimeException e) {
        throw new AssertionError(
            "query '" + q + "' threw " + e + "; a prompt with no searchable words must give no hits (the pipeline then"
                + " generates without examples), not an exception",
            e);
      }
      assertThat(hits).as("hits for '%s': %s", q, show(hits)).isEmpty();
    }
  }

  private void stats() throws Exception {
    long pairs = retriever().stats().pairs();
    if (pairs != -1) {
      assertThat(pairs).as("stats().pairs() of a memory of %d pairs", memory.size()).isEqualTo(memory.size());
    }
  }

  private void captions() throws Exception {
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 10) {
      ImageTextPair p = memory.get(i);
      RetrievedItem top = r.retrieve(new RetrievalQuery(p.caption(), 1)).get(0);
      assertThat(top.caption()).as("caption of %s", p.id()).isEqualTo(p.caption());
    }
  }

  private void images() throws Exception {
    assumeTrue(capabilities.preservesImages(), "the retriever declares that it does not preserve images");
    Retriever r = retriever();
    for (int i = 0; i < memory.size(); i += 2) {
      ImageTextPair p = memory.get(i);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(CompatData.uniqueWord(i), 1));
      assertThat(hits).as("hits for the unique word of %s", p.id()).extracting(RetrievedItem::id).containsExactly(p.id());
      ImageRef got = hits.get(0).image();
      ImageRef stored = p.image();
      if (stored == null) {
        assertThat(got).as("image of text-only pair %s", p.id()).isNull();
      } else {
        String kind = stored.getClass().getSimpleName();
        assertThat(got).as("image of %s, stored as %s", p.id(), kind).isNotNull();
        assertThat(ImageBytes.same(got, stored))
            .as("image of %s, stored as %s (%s), came back as %s", p.id(), kind, stored.describe(), got.describe())
            .isTrue();
      }
    }
  }

  @Override
  public void close() {
    if (retriever != null) {
      retriever.close();
      retriever.close(); // close must be idempotent
      retriever = null;
    }
  }
}
