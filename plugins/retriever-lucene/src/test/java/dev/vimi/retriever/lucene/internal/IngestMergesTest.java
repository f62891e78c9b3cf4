package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest.merges}: deferring merges changes the segments, never the pairs, the scores or the commits. */
class IngestMergesTest {
  private static final LuceneRetrieverProvider PROVIDER = new LuceneRetrieverProvider();
  private static final String[] WORDS = {"dog", "cat", "surfing", "wave", "red", "car", "city", "night", "beach", "tree"};

  @TempDir Path dir;

  private ProviderConfig config(String memory, String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("index.dir", dir.resolve(memory).toString()));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return ProviderConfig.of("retriever lucene", m);
  }

  private static ImageTextPair pair(int i) {
    Random r = new Random(i);
    StringBuilder caption = new StringBuilder("pair ").append(i);
    for (int w = 0; w < 3 + r.nextInt(6); w++) {
      caption.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
    }
    return new ImageTextPair("p" + i, caption.toString(), List.of(), null);
  }

  private int segments(String memory) throws IOException {
    try (FSDirectory d = FSDirectory.open(dir.resolve(memory).resolve("lucene"));
        DirectoryReader r = DirectoryReader.open(d)) {
      return r.leaves().size();
    }
  }

  /** Ingests 600 pairs with a commit every 20 (30 commits, so a merging writer merges). */
  private void ingest(String memory, String... kv) {
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config(memory, kv))) {
      for (int i = 0; i < 600; i++) {
        assertThat(w.add(pair(i))).isTrue();
        if (i % 20 == 19) {
          w.commit();
        }
      }
    }
  }

  /**
   * Every hit of three queries (K above the pair count), ordered by score then id: merging changes the
   * document order, and with it the order of tied scores, never the scores.
   */
  private List<List<RetrievedItem>> search(String memory) {
    try (Retriever r = PROVIDER.open(config(memory))) {
      return Stream.of("dog surfing a wave", "red car at night", "pair 123 beach")
          .map(q -> r.retrieve(new RetrievalQuery(q, 1_000)).stream()
              .sorted(Comparator.comparingDouble(RetrievedItem::score).reversed().thenComparing(RetrievedItem::id))
              .toList())
          .toList();
    }
  }

  @Test
  void backgroundIsTheDefaultAndTheValueIsChecked() {
    assertThat(LuceneMemoryConfig.from(config("m")).ingestMerges()).isEqualTo(LuceneMemoryConfig.IngestMerges.BACKGROUND);
    assertThat(LuceneMemoryConfig.from(config("m", "ingest.merges", " Deferred ")).ingestMerges())
        .isEqualTo(LuceneMemoryConfig.IngestMerges.DEFERRED);
    assertThatThrownBy(() -> LuceneMemoryConfig.from(config("m", "ingest.merges", "never")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'ingest.merges'")
        .hasMessageContaining("'never'")
        .hasMessageContaining("background")
        .hasMessageContaining("deferred");
  }

  @Test
  void deferredKeepsOneSegmentPerCommitWithTheSameResults() throws IOException {
    ingest("merging");
    ingest("deferred", "ingest.merges", "deferred");
    assertThat(segments("deferred")).as("no merges: one segment per commit").isEqualTo(30);
    assertThat(segments("merging")).isLessThan(30);
    assertThat(search("deferred")).isEqualTo(search("merging")).allSatisfy(hits -> assertThat(hits).isNotEmpty());
  }

  @Test
  void optimizeStillMergesADeferredMemoryAndTheWriterKeepsDeferring() throws IOException {
    List<List<RetrievedItem>> before;
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config("m", "ingest.merges", "deferred"))) {
      for (int i = 0; i < 100; i++) {
        w.add(pair(i));
        if (i % 20 == 19) {
          w.commit();
        }
      }
      assertThat(segments("m")).isEqualTo(5);
      before = search("m");
      w.optimize();
      assertThat(segments("m")).isEqualTo(1);
      assertThat(search("m")).isEqualTo(before);
      for (int i = 100; i < 140; i++) {
        w.add(pair(i));
        if (i % 20 == 19) {
          w.commit();
        }
      }
    }
    assertThat(segments("m")).as("after the optimize the writer defers again").isEqualTo(3);
  }
}
