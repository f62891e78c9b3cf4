package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.RetrieverProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneMemoryTest {
  private static final LuceneRetrieverProvider PROVIDER = new LuceneRetrieverProvider();

  @TempDir Path dir;

  private ProviderConfig config(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("index.dir", dir.resolve("memory").toString());
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return ProviderConfig.of("retriever lucene", m);
  }

  private void ingest(ProviderConfig config, ImageTextPair... pairs) {
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config)) {
      for (ImageTextPair p : pairs) {
        w.add(p);
      }
    }
  }

  private static ImageTextPair pair(String id, String caption, String... keywords) {
    return new ImageTextPair(id, caption, List.of(keywords), null);
  }

  private static List<String> ids(List<RetrievedItem> hits) {
    return hits.stream().map(RetrievedItem::id).toList();
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertThat(ServiceLoader.load(RetrieverProvider.class).stream().map(ServiceLoader.Provider::get).map(RetrieverProvider::name))
        .contains("lucene");
    assertThat(PROVIDER.selfTest(dir).orElseThrow().config().get("index.dir")).contains(dir.resolve("lucene-memory").toString());
  }

  @Test
  void searchesCaptionsAndKeywordsWithStemming() {
    ingest(
        config(),
        pair("dog", "dog face", "dog", "pet", "puppy"),
        pair("surfer", "person surfing", "surfing", "surfer", "wave"),
        pair("dogsurf", "a dog surfing a wave"),
        pair("cat", "cat face", "cat", "pet", "kitten"));
    try (LuceneRetriever r = PROVIDER.open(config())) {
      assertThat(r.analyzerName()).isEqualTo("english");
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("dogs surfing", 3));
      assertThat(ids(hits)).startsWith("dogsurf").containsExactlyInAnyOrder("dogsurf", "surfer", "dog");
      assertThat(hits.get(1).score()).as("tf 2 of one term each, same length: a tie").isEqualTo(hits.get(2).score());
      assertThat(ids(hits).subList(1, 3)).as("ties in ingest order").containsExactly("dog", "surfer");
      assertThat(ids(r.retrieve(new RetrievalQuery("kittens", 3)))).containsExactly("cat");
      assertThat(r.retrieve(new RetrievalQuery("the of and", 3))).as("stop words only").isEmpty();
      assertThat(r.retrieve(new RetrievalQuery("pet", 10))).as("K larger than the memory: every match").hasSize(2);
    }
  }

  @Test
  void duplicateIdsAreSkippedAcrossSessionsAndCaptionDuplicatesByDefault() {
    // commits by count only: the timed commit (10 s by default) would add one on a slow machine
    ProviderConfig c = config("commit.every", "2", "commit.interval.seconds", "86400");
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(c)) {
      assertThat(w.add(pair("a", "A red fox"))).isTrue();
      assertThat(w.add(pair("b", "a brown bear"))).isTrue();
      assertThat(w.add(pair("a", "another caption, same id"))).isFalse();
      assertThat(w.add(pair("c", "  a   RED fox "))).as("same caption after normalising").isFalse();
      assertThat(w.add(pair("d", "a red fox cub"))).isTrue();
      assertThat(w.counts()).isEqualTo(new IngestCounts(0, 3, 1, 1, 1));
    }
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(c)) {
      assertThat(w.count()).isEqualTo(3);
      assertThat(w.add(pair("b", "a brown bear"))).isFalse();
      assertThat(w.add(pair("e", "A BROWN BEAR"))).isFalse();
      assertThat(w.add(pair("f", "a polar bear"))).isTrue();
      assertThat(w.counts()).isEqualTo(new IngestCounts(3, 1, 1, 1, 0));
    }
    ProviderConfig keep = config("dedup.captions", "false");
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(keep)) {
      assertThat(w.add(pair("g", "a polar bear"))).as("caption duplicates kept when asked").isTrue();
      assertThat(w.add(pair("g", "a polar bear"))).as("ids are always unique").isFalse();
    }
    try (LuceneRetriever r = PROVIDER.open(c)) {
      assertThat(r.stats().pairs()).isEqualTo(5);
      assertThat(ids(r.retrieve(new RetrievalQuery("polar bear", 5)))).containsExactly("f", "g", "b");
    }
  }

  @Test
  void exclusionsAreRemovedEvenWhenThereAreMoreThanK() {
    List<ImageTextPair> pairs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      pairs.add(pair("p" + i, "surfing dog number " + i + (i < 5 ? " surfing surfing" : "")));
    }
    ingest(config(), pairs.toArray(ImageTextPair[]::new));
    try (LuceneRetriever r = PROVIDER.open(config())) {
      List<String> all = ids(r.retrieve(new RetrievalQuery("surfing", 20)));
      Set<String> excluded = Set.of(all.get(0), all.get(1), all.get(2), all.get(3));
      List<String> hits = ids(r.retrieve(new RetrievalQuery("surfing", 3, excluded)));
      assertThat(hits).containsExactly(all.get(4), all.get(5), all.get(6));
    }
  }

  @Test
  void bm25ParametersChangeTheRanking() {
    ImageTextPair shortOne = pair("short", "dog");
    ImageTextPair longOne = pair("long", "dog dog running on a long sandy beach under a bright summer sky with friends");
    ingest(config(), shortOne, longOne);
    // b = 1: full length normalisation favours the one-word caption; b = 0: term frequency wins
    try (LuceneRetriever r = PROVIDER.open(config("b", "1", "k1", "1.2"))) {
      assertThat(ids(r.retrieve(new RetrievalQuery("dog", 2)))).containsExactly("short", "long");
    }
    try (LuceneRetriever r = PROVIDER.open(config("b", "0", "k1", "1.2"))) {
      assertThat(ids(r.retrieve(new RetrievalQuery("dog", 2)))).containsExactly("long", "short");
    }
    assertThatThrownBy(() -> PROVIDER.open(config("b", "1.5")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'b' is 1.5 but must be in [0, 1]");
  }

  @Test
  void analyzerIsRecordedAndAMismatchIsRefused() {
    ingest(config("analyzer", "whitespace"), pair("x", "Dogs Surfing"));
    try (LuceneRetriever r = PROVIDER.open(config())) {
      assertThat(r.analyzerName()).isEqualTo("whitespace");
      assertThat(ids(r.retrieve(new RetrievalQuery("Dogs", 1)))).containsExactly("x");
      assertThat(r.retrieve(new RetrievalQuery("dogs", 1))).as("whitespace analyzer keeps case").isEmpty();
    }
    assertThatThrownBy(() -> PROVIDER.open(config("analyzer", "english")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("was built with 'whitespace'");
    assertThatThrownBy(() -> PROVIDER.openWriter(config("analyzer", "klingon")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown analyzer 'klingon'");
  }

  @Test
  void imagesAreStoredByReferenceOrInline() throws IOException {
    byte[] png = CrashResumeTest.png(1);
    Path file = dir.resolve("a.png");
    Files.write(file, png);
    ImageTextPair byPath = new ImageTextPair("path", "image by path", ImageRef.of(file));
    ImageTextPair byUri = new ImageTextPair("uri", "image by uri", ImageRef.of(URI.create("https://example.org/x.png")));
    ImageTextPair byBytes = new ImageTextPair("bytes", "image by bytes", ImageRef.ofBytes(CrashResumeTest.png(2)));

    ingest(config(), byPath, byUri, byBytes);
    try (LuceneRetriever r = PROVIDER.open(config())) {
      assertThat(r.retrieve(new RetrievalQuery("path", 1)).get(0).image()).isEqualTo(ImageRef.of(file.toAbsolutePath()));
      assertThat(r.retrieve(new RetrievalQuery("uri", 1)).get(0).image()).isEqualTo(byUri.image());
      ImageRef stored = r.retrieve(new RetrievalQuery("bytes", 1)).get(0).image();
      Path written = ((ImageRef.OfPath) stored).path();
      assertThat(written).startsWith(dir.resolve("memory/images")).hasExtension("png");
      assertThat(Files.readAllBytes(written)).isEqualTo(CrashResumeTest.png(2));
    }

    ProviderConfig inline = ProviderConfig.of("retriever lucene", Map.of("index.dir", dir.resolve("inline").toString(), "images", "inline"));
    ingest(inline, byPath, byUri, byBytes);
    try (LuceneRetriever r = PROVIDER.open(inline)) {
      assertThat(r.retrieve(new RetrievalQuery("path", 1)).get(0).image()).isEqualTo(ImageRef.ofBytes(png));
      assertThat(r.retrieve(new RetrievalQuery("uri", 1)).get(0).image()).as("no downloads").isEqualTo(byUri.image());
      assertThat(r.retrieve(new RetrievalQuery("bytes", 1)).get(0).image()).isEqualTo(byBytes.image());
    }
    assertThat(dir.resolve("inline/images")).doesNotExist();
  }

  @Test
  void badPairsGetClearErrorsAndLeaveTheWriterUsable() {
    ProviderConfig c = config("images", "inline", "images.inline.max.bytes", "50");
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(c)) {
      assertThatThrownBy(() -> w.add(pair("big", "word ".repeat(210_000))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("pair 'big' has 1050000 characters")
          .hasMessageContaining("max.caption.chars=65536");
      assertThatThrownBy(() -> w.add(new ImageTextPair("px", "pixels", new ImageRef.OfPixels(1, 1, new int[] {0}))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("decoded pixels");
      assertThatThrownBy(() -> w.add(new ImageTextPair("img", "too big", ImageRef.ofBytes(new byte[51]))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("51 bytes, more than images.inline.max.bytes=50");
      assertThatThrownBy(() -> w.add(pair("i".repeat(2000), "long id")))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("longer than 1024");
      assertThat(w.add(pair("big", "a normal caption now"))).as("rejected ids are not marked as present").isTrue();
      assertThat(w.count()).isEqualTo(1);
    }
  }

  @Test
  void queriesWithTooManyTermsAreRefusedAndEmptyOnesCannotBeMade() {
    ingest(config(), pair("a", "alpha"));
    StringBuilder huge = new StringBuilder();
    for (int i = 0; i < 1500; i++) {
      huge.append("w").append(Integer.toString(i, 36)).append("x ");
    }
    try (LuceneRetriever r = PROVIDER.open(config())) {
      assertThatThrownBy(() -> r.retrieve(new RetrievalQuery(huge.toString(), 3)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("1500 distinct terms");
      assertThat(r.retrieve(new RetrievalQuery("alpha " + "alpha ".repeat(200_000), 1))).hasSize(1);
    }
    assertThatThrownBy(() -> new RetrievalQuery("   ", 3)).isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new RetrievalQuery("dog", 0)).isInstanceOf(InvalidInputException.class).hasMessageContaining("K must be");
  }

  @Test
  void statsCountPairsTermsAndBytes() throws IOException {
    ingest(config("analyzer", "whitespace", "commit.every", "1"), pair("1", "a b c"), pair("2", "c d"), pair("3", "e", "f", "a"));
    try (LuceneRetriever r = PROVIDER.open(config())) {
      MemoryStats s = r.stats();
      assertThat(s.pairs()).isEqualTo(3);
      assertThat(s.distinctTerms()).as("a b c d e f over several segments").isEqualTo(6);
      long bytes;
      try (Stream<Path> files = Files.walk(dir.resolve("memory"))) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      assertThat(s.bytesOnDisk()).isPositive().isEqualTo(bytes);
    }
  }

  @Test
  void batchesAreSpreadOverThreadsAndKeepTheirOrder() {
    List<ImageTextPair> pairs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      pairs.add(pair("p" + i, "word" + (i % 7) + " thing" + (i % 11) + " item" + i));
    }
    ingest(config(), pairs.toArray(ImageTextPair[]::new));
    LuceneRetriever r = PROVIDER.open(config("search.threads", "3"));
    {
      List<RetrievalQuery> qs = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        qs.add(new RetrievalQuery("word" + (i % 7) + " thing" + (i % 5) + " item" + i, 3, Set.of("p" + i)));
      }
      List<List<RetrievedItem>> batch = r.retrieveAll(qs);
      assertThat(batch).hasSize(100);
      for (int i = 0; i < qs.size(); i++) {
        assertThat(batch.get(i)).isEqualTo(r.retrieve(qs.get(i)));
        assertThat(ids(batch.get(i))).doesNotContain("p" + i).hasSize(3);
      }
      r.close();
      assertThatThrownBy(() -> r.retrieve(qs.get(0))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void missingForeignAndLockedFoldersGetClearErrors() throws IOException {
    assertThatThrownBy(() -> PROVIDER.open(config()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no memory at")
        .hasMessageContaining("vimi memory ingest");
    Path foreign = Files.createDirectories(dir.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    ProviderConfig f = ProviderConfig.of("retriever lucene", Map.of("index.dir", foreign.toString()));
    assertThatThrownBy(() -> PROVIDER.open(f)).isInstanceOf(ConfigurationException.class).hasMessageContaining("is not a vimi Lucene memory");
    assertThatThrownBy(() -> PROVIDER.openWriter(f)).isInstanceOf(ConfigurationException.class).hasMessageContaining("holds other files");
    assertThatThrownBy(() -> PROVIDER.open(config("index.dir", foreign.resolve("notes.txt").toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is a file");

    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config())) {
      w.add(pair("a", "one"));
      assertThatThrownBy(() -> PROVIDER.openWriter(config()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("another writer holds the memory");
    }
    Files.createDirectories(dir.resolve("empty/lucene"));
    assertThatThrownBy(() -> PROVIDER.open(config("index.dir", dir.resolve("empty").toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("holds no committed index");
  }

  @Test
  void damagedIndexFilesAreReportedAsSuch() throws IOException {
    ingest(config(), pair("a", "one"), pair("b", "two"));
    Path lucene = dir.resolve("memory/lucene");
    Path segments;
    try (Stream<Path> s = Files.list(lucene)) {
      segments = s.filter(p -> p.getFileName().toString().startsWith("segments_")).findFirst().orElseThrow();
    }
    byte[] data = Files.readAllBytes(segments);
    data[data.length / 2] ^= 0x5a;
    Files.write(segments, data);
    assertThatThrownBy(() -> PROVIDER.open(config()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is corrupt")
        .hasMessageContaining("Delete the folder and ingest again");

    ProviderConfig other = ProviderConfig.of("retriever lucene", Map.of("index.dir", dir.resolve("m2").toString()));
    ingest(other, pair("a", "one"));
    try (Stream<Path> s = Files.list(dir.resolve("m2/lucene"))) {
      Path si = s.filter(p -> p.getFileName().toString().endsWith(".si")).findFirst().orElseThrow();
      Files.delete(si);
    }
    assertThatThrownBy(() -> PROVIDER.open(other))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is missing");
  }
}
