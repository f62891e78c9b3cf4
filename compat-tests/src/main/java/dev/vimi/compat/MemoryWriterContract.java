package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The memory writer contract ({@link MemoryWriter}, opened with {@link RetrieverProvider#openWriter})
 * as a list of {@link Check}s. Used by {@link MemoryWriterContractSuite} and by {@link CompatRunner}.
 *
 * <p>Each check starts from a fresh, empty memory that the {@link Factory} makes, writes generated
 * pairs ({@link CompatData}: each caption holds a word no other caption holds), and reads the memory
 * back through a retriever of the same provider: a pair is <i>in the memory</i> when a query for its
 * unique word returns it with its caption. The data follow the seed.
 *
 * <p>A pair whose image is decoded pixels ({@link dev.vimi.spi.ImageRef.OfPixels}) is the bad input
 * every memory meets: a memory either keeps it (then it is in the memory) or refuses it with an {@link
 * InvalidInputException} that names the pair and reports it as rejected. Dropping it silently is the
 * one wrong answer.
 *
 * <p>Not thread-safe (the suite calls it from one thread; the concurrency check starts its own
 * threads). Every writer and retriever a check opens is closed by that check.
 */
public final class MemoryWriterContract implements AutoCloseable {

  /**
   * A memory of the provider under test.
   *
   * @param provider the provider whose writer and retriever are checked
   * @param config the configuration that points both at one memory, fresh and empty
   */
  public record MemoryUnderTest(RetrieverProvider provider, ProviderConfig config) {
    public MemoryUnderTest {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(config, "config");
    }
  }

  /** Makes a fresh, empty memory in {@code workDir}; called once per check. */
  @FunctionalInterface
  public interface Factory {
    MemoryUnderTest create(Path workDir) throws Exception;
  }

  /** Pairs written by most checks. */
  static final int PAIRS = 60;

  /** Threads of the concurrency check; each adds every pair. */
  static final int THREADS = 4;

  private final Factory factory;
  private final Path workDir;
  private final long seed;

  public MemoryWriterContract(Factory factory, Path workDir, long seed) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.workDir = Objects.requireNonNull(workDir, "workDir");
    this.seed = seed;
  }

  /** The seed the pairs are made from. */
  public long seed() {
    return seed;
  }

  public List<Check> checks() {
    return List.of(
        Check.of("duplicateIdsAreSkippedAndReported", "a pair whose id is already in the memory is skipped, keeps the first pair, and is reported as a duplicate", this::duplicates),
        Check.of("reopenAfterCommitSeesEveryPair", "after commit() a newly opened retriever or writer sees every pair added, with its caption", this::reopen),
        Check.of("reportCountsEveryPair", "report() counts every pair handed to add() as added, duplicate, rejected or pending", this::counts),
        Check.of("closeTwiceIsHarmless", "close() commits, a second close() does nothing, and add() after close() throws IllegalStateException", this::closeTwice),
        Check.of("badInputIsRefusedClearly", "bad input is refused with an error that names it (a null pair, an image the memory cannot keep, an unknown configuration key), and the writer stays usable", this::badInput),
        Check.of("optimizeKeepsEveryPairOrIsRefused", "optimize() keeps every pair when supportsOptimize() is true, and throws UnsupportedOperationException otherwise", this::optimize),
        Check.race("concurrentAddsCountEachPairOnce", "pairs added from several threads at once are each added once, the rest reported as duplicates (the writer is thread-safe)", this::concurrent));
  }

  // ---- helpers

  private MemoryUnderTest fresh(String check) throws Exception {
    Path dir = workDir.resolve(check);
    Files.createDirectories(dir);
    MemoryUnderTest m = factory.create(dir.resolve("memory"));
    assertThat(m).as("the factory's memory").isNotNull();
    return m;
  }

  /** {@code n} pairs with ids {@code <prefix>0000...}; caption {@code i} holds {@link CompatData#uniqueWord} {@code offset + i}. */
  private List<ImageTextPair> pairs(String check, String prefix, int n, int offset) {
    List<ImageTextPair> base = CompatData.memory(offset + n, seed ^ check.hashCode(), workDir.resolve(check).resolve("images"), false);
    List<ImageTextPair> out = new ArrayList<>(n);
    for (int i = offset; i < offset + n; i++) {
      ImageTextPair p = base.get(i);
      out.add(new ImageTextPair(prefix + p.id(), p.caption(), p.keywords(), p.image()));
    }
    return List.copyOf(out);
  }

  private static String uniqueWordOf(ImageTextPair p) {
    String[] words = p.caption().split(" ");
    return words[words.length - 1];
  }

  private static MemoryWriter openWriter(MemoryUnderTest m) {
    MemoryWriter w = m.provider().openWriter(m.config());
    assertThat(w).as("openWriter(%s)", m.config()).isNotNull();
    return w;
  }

  /** Every pair is in the memory once, with its caption; the memory holds {@code total} pairs. */
  private static void assertHolds(MemoryUnderTest m, List<ImageTextPair> pairs, long total, String when) {
    try (Retriever r = m.provider().open(m.config())) {
      long counted = r.stats().pairs();
      assertThat(counted == -1 || counted == total)
          .as("%s: stats().pairs() is %d but the memory holds %d pairs", when, counted, total)
          .isTrue();
      List<RetrievalQuery> queries = new ArrayList<>(pairs.size());
      for (ImageTextPair p : pairs) {
        queries.add(new RetrievalQuery(uniqueWordOf(p), 3));
      }
      List<List<RetrievedItem>> answers = r.retrieveAll(queries);
      for (int i = 0; i < pairs.size(); i++) {
        ImageTextPair p = pairs.get(i);
        List<String> ids = answers.get(i).stream().map(RetrievedItem::id).toList();
        assertThat(ids)
            .as("%s: the query '%s', a word only pair '%s' holds, must find that pair once", when, queries.get(i).text(), p.id())
            .containsOnlyOnce(p.id());
        RetrievedItem hit = answers.get(i).stream().filter(h -> h.id().equals(p.id())).findFirst().orElseThrow();
        assertThat(hit.caption()).as("%s: the caption of pair '%s'", when, p.id()).isEqualTo(p.caption());
      }
    }
  }

  /** No pair of the memory holds {@code word}. */
  private static void assertLacks(MemoryUnderTest m, String word, String why) {
    try (Retriever r = m.provider().open(m.config())) {
      assertThat(r.retrieve(new RetrievalQuery(word, 3))).as("%s: a query for '%s' must find nothing", why, word).isEmpty();
    }
  }

  private static void assertConsistent(IngestReport r, String when) {
    assertThat(r).as("%s: report()", when).isNotNull();
    assertThat(r.handled())
        .as("%s: added + duplicates + rejected + pending of %s", when, r)
        .isEqualTo(r.added() + r.duplicates() + r.rejectedCount() + r.pending());
  }

  // ---- checks

  private void duplicates() throws Exception {
    MemoryUnderTest m = fresh("duplicates");
    List<ImageTextPair> pairs = pairs("duplicates", "d", PAIRS, 0);
    List<ImageTextPair> again = new ArrayList<>(pairs);
    Collections.shuffle(again, new Random(seed));
    again = again.subList(0, PAIRS / 3);
    String dupWord = CompatData.uniqueWord(100_000);
    try (MemoryWriter w = openWriter(m)) {
      for (ImageTextPair p : pairs) {
        assertThat(w.add(p)).as("add() of the new pair '%s' returned false (skipped)", p.id()).isTrue();
      }
      // the same ids again, in this writer, with another caption: skipped, whatever they say now
      for (ImageTextPair p : again) {
        w.add(new ImageTextPair(p.id(), p.caption() + " " + dupWord, p.keywords(), p.image()));
      }
      w.commit();
      IngestReport r = w.report();
      assertConsistent(r, "after adding " + PAIRS + " pairs and " + again.size() + " of their ids again");
      assertThat(r.added()).as("pairs added in %s", r).isEqualTo(PAIRS);
      assertThat(r.duplicates()).as("duplicates in %s", r).isEqualTo(again.size());
      assertThat(w.count()).as("count()").isEqualTo(PAIRS);
    }
    assertHolds(m, pairs, PAIRS, "after adding ids twice in one writer");
    assertLacks(m, dupWord, "the second pair of an id is skipped, not stored");

    // a resumed ingest: everything again, plus new pairs
    List<ImageTextPair> more = pairs("duplicates", "d", PAIRS / 2, PAIRS);
    try (MemoryWriter w = openWriter(m)) {
      pairs.forEach(w::add);
      more.forEach(w::add);
      w.commit();
      IngestReport r = w.report();
      assertConsistent(r, "a resumed ingest");
      assertThat(r.duplicates()).as("duplicates of a resumed ingest that adds %d committed pairs again: %s", PAIRS, r).isEqualTo(PAIRS);
      assertThat(r.added()).as("pairs added by a resumed ingest with %d new ones: %s", more.size(), r).isEqualTo(more.size());
    }
    List<ImageTextPair> all = new ArrayList<>(pairs);
    all.addAll(more);
    assertHolds(m, all, all.size(), "after a resumed ingest");
  }

  private void reopen() throws Exception {
    MemoryUnderTest m = fresh("reopen");
    List<ImageTextPair> pairs = pairs("reopen", "r", PAIRS, 0);
    try (MemoryWriter w = openWriter(m)) {
      pairs.forEach(w::add);
      w.commit();
      assertHolds(m, pairs, PAIRS, "a retriever opened after commit(), the writer still open");
      w.lastCommit().ifPresent(c -> assertThat(c.pairs()).as("lastCommit().pairs() after commit()").isEqualTo(PAIRS));
    }
    try (MemoryWriter w = openWriter(m)) {
      assertThat(w.count()).as("count() of a writer opened on a memory of %d pairs", PAIRS).isEqualTo(PAIRS);
      long atOpen = w.report().pairsAtOpen();
      assertThat(atOpen == -1 || atOpen == PAIRS)
          .as("report().pairsAtOpen() of a writer opened on a memory of %d pairs is %d", PAIRS, atOpen)
          .isTrue();
    }
    assertHolds(m, pairs, PAIRS, "a retriever opened after a second writer opened and closed without adding");
  }

  private void counts() throws Exception {
    MemoryUnderTest m = fresh("counts");
    List<ImageTextPair> pairs = pairs("counts", "c", PAIRS, 0);
    Random rnd = new Random(seed);
    int dups = 1 + rnd.nextInt(PAIRS / 2);
    int pixelPairs = 1 + rnd.nextInt(8);
    Set<String> refusedIds = new HashSet<>();
    List<ImageTextPair> kept = new ArrayList<>(pairs);
    try (MemoryWriter w = openWriter(m)) {
      IngestReport r0 = w.report();
      assertConsistent(r0, "a new writer");
      assertThat(r0.handled()).as("a new writer has handled nothing: %s", r0).isZero();
      assertThat(r0.pairsAtOpen() == 0 || r0.pairsAtOpen() == -1).as("pairsAtOpen of an empty memory: %s", r0).isTrue();
      // pairs with decoded pixels come between the others (after pairs 3, 10, 17, ...; PAIRS leaves room for 8)
      int next = 0;
      for (int i = 0; i < PAIRS; i++) {
        w.add(pairs.get(i));
        if (i % 7 == 3 && next < pixelPairs) {
          ImageTextPair px = new ImageTextPair("c-pixels-" + next, "pixels " + CompatData.uniqueWord(90_000 + next), List.of(), CompatData.pixels(4, 3, 0x336699));
          next++;
          if (keptOrRefused(w, px)) {
            kept.add(px);
          } else {
            refusedIds.add(px.id());
          }
        }
      }
      int refused = refusedIds.size();
      for (int i = 0; i < dups; i++) {
        w.add(pairs.get(rnd.nextInt(PAIRS)));
      }
      w.commit();
      IngestReport r = w.report();
      String what =
          String.format(
              "after %d new pairs (%d of them with decoded pixels, %d refused), %d duplicate ids, and commit(): %s",
              kept.size() + refused, pixelPairs, refused, dups, r);
      assertConsistent(r, what);
      assertThat(r.added()).as("added " + what).isEqualTo(kept.size());
      assertThat(r.duplicates()).as("duplicates " + what).isEqualTo(dups);
      assertThat(r.rejectedCount()).as("rejected " + what).isEqualTo(refused);
      assertThat(r.pending()).as("pending " + what).isZero();
      assertThat(r.handled()).as("handled " + what).isEqualTo(kept.size() + dups + refused);
      Set<String> sampled = new HashSet<>();
      for (IngestReport.Rejection rej : r.rejected()) {
        assertThat(rej.reason()).as("a rejection's reason").isNotBlank();
        assertThat(refusedIds).as("sample ids of the rejection '%s'", rej.reason()).containsAll(rej.sampleIds());
        sampled.addAll(rej.sampleIds());
      }
      assertThat(sampled).as("the ids of the refused pairs, each in the sample of its reason (fewer than %d per reason)", IngestReport.MAX_SAMPLE_IDS)
          .isEqualTo(refusedIds);
      assertThat(w.count()).as("count() " + what).isEqualTo(kept.size());
    }
    try (MemoryWriter w = openWriter(m)) {
      long atOpen = w.report().pairsAtOpen();
      assertThat(atOpen == -1 || atOpen == kept.size()).as("pairsAtOpen of the next writer is %d, not %d", atOpen, kept.size()).isTrue();
    }
    assertHolds(m, kept, kept.size(), "after an ingest with duplicates and pairs with decoded pixels");
  }

  /**
   * Adds a pair with decoded pixels: true if the memory took it, false if it refused it as the contract
   * says (an {@link InvalidInputException} that names the pair and the field).
   */
  private static boolean keptOrRefused(MemoryWriter w, ImageTextPair pixels) {
    Throwable t = catchThrowable(() -> w.add(pixels));
    if (t == null) {
      return true;
    }
    assertThat(t)
        .as("add() of pair '%s' with decoded pixels threw; a memory that does not keep pixels refuses them with InvalidInputException", pixels.id())
        .isInstanceOf(InvalidInputException.class);
    assertThat(t.getMessage()).as("the refusal names the pair").contains(pixels.id());
    assertThat(((InvalidInputException) t).field()).as("the refusal names the field").isNotBlank();
    return false;
  }

  private void closeTwice() throws Exception {
    MemoryUnderTest m = fresh("close");
    List<ImageTextPair> pairs = pairs("close", "k", PAIRS / 2, 0);
    MemoryWriter w = openWriter(m);
    pairs.forEach(w::add);
    w.close();
    w.close();
    IngestReport r = w.report();
    assertThat(r.added()).as("report() after close(): %s", r).isEqualTo(pairs.size());
    ImageTextPair late = pairs("close", "late", 1, PAIRS).get(0);
    Throwable t = catchThrowable(() -> w.add(late));
    assertThat(t).as("add() after close()").isInstanceOf(IllegalStateException.class);
    assertThat(t.getMessage()).as("the message of add() after close()").isNotBlank();
    assertHolds(m, pairs, pairs.size(), "after close() twice, without commit()");
    assertLacks(m, uniqueWordOf(late), "a pair added after close() is not stored");
  }

  private void badInput() throws Exception {
    MemoryUnderTest m = fresh("bad");
    Throwable unknownKey = catchThrowable(() -> m.provider().openWriter(m.config().with("no.such.key", "1")).close());
    assertThat(unknownKey)
        .as("openWriter() with the unknown configuration key 'no.such.key'")
        .isInstanceOf(ConfigurationException.class);
    assertThat(unknownKey.getMessage()).as("the message about the unknown key").contains("no.such.key");

    List<ImageTextPair> pairs = pairs("bad", "b", 3, 0);
    ImageTextPair pixels = new ImageTextPair("b-pixels", "pixels " + CompatData.uniqueWord(90_000), List.of(), CompatData.pixels(4, 3, 0x996633));
    boolean kept;
    try (MemoryWriter w = openWriter(m)) {
      w.add(pairs.get(0));
      Throwable nul = catchThrowable(() -> w.add(null));
      assertThat(nul).as("add(null)").isInstanceOfAny(NullPointerException.class, InvalidInputException.class);
      assertThat(nul.getMessage()).as("the message of add(null)").isNotNull().contains("pair");
      kept = keptOrRefused(w, pixels);
      // still usable
      assertThat(w.add(pairs.get(1))).as("add() after bad input").isTrue();
      w.add(pairs.get(2));
      w.commit();
      IngestReport r = w.report();
      assertConsistent(r, "after bad input");
      assertThat(r.added())
          .as("added after 3 good pairs and pair 'b-pixels' with decoded pixels, which add() %s: %s",
              kept ? "took without an exception (so it must be stored)" : "refused", r)
          .isEqualTo(kept ? 4 : 3);
      if (!kept) {
        assertThat(r.rejected())
            .as("rejections after refusing pair 'b-pixels' (a null pair is no pair, and not counted): %s", r)
            .singleElement()
            .satisfies(x -> assertThat(x.sampleIds()).containsExactly("b-pixels"));
      }
    }
    List<ImageTextPair> expected = new ArrayList<>(pairs);
    if (kept) {
      expected.add(pixels);
    } else {
      assertLacks(m, uniqueWordOf(pixels), "a refused pair is not stored");
    }
    assertHolds(m, expected, expected.size(), "after bad input");
  }

  private void optimize() throws Exception {
    MemoryUnderTest m = fresh("optimize");
    List<ImageTextPair> pairs = pairs("optimize", "o", PAIRS, 0);
    List<ImageTextPair> expected = new ArrayList<>(pairs);
    try (MemoryWriter w = openWriter(m)) {
      for (int i = 0; i < PAIRS; i++) {
        w.add(pairs.get(i));
        if (i == PAIRS / 2) {
          w.commit(); // two batches, something to merge
        }
      }
      if (w.supportsOptimize()) {
        w.optimize();
        assertHolds(m, pairs, PAIRS, "a retriever opened after optimize(), the writer still open");
      } else {
        assertThatThrownBy(w::optimize)
            .as("optimize() of a writer whose supportsOptimize() is false")
            .isInstanceOf(UnsupportedOperationException.class);
      }
      ImageTextPair after = pairs("optimize", "o-after", 1, PAIRS).get(0);
      assertThat(w.add(after)).as("add() after optimize()").isTrue();
      expected.add(after);
    }
    assertHolds(m, expected, expected.size(), "after optimize() and close()");
  }

  private void concurrent() throws Exception {
    MemoryUnderTest m = fresh("concurrent");
    List<ImageTextPair> pairs = pairs("concurrent", "t", PAIRS, 0);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (MemoryWriter w = openWriter(m)) {
      CyclicBarrier start = new CyclicBarrier(THREADS);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        List<ImageTextPair> order = new ArrayList<>(pairs);
        Collections.shuffle(order, new Random(seed + t));
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (ImageTextPair p : order) {
                    w.add(p);
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      w.commit();
      IngestReport r = w.report();
      String what = THREADS + " threads each adding the same " + PAIRS + " pairs at once: " + r;
      assertThat(r.added()).as("added, " + what).isEqualTo(PAIRS);
      assertThat(r.duplicates()).as("duplicates, " + what).isEqualTo((long) (THREADS - 1) * PAIRS);
      assertThat(w.count()).as("count(), " + what).isEqualTo(PAIRS);
    } finally {
      pool.shutdownNow();
    }
    assertHolds(m, pairs, PAIRS, "after concurrent adds");
  }

  /** Nothing to release: every check closes what it opens. */
  @Override
  public void close() {}
}
