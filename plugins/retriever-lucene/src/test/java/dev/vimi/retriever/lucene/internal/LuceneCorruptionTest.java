package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryCheck;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage inside an index file (not a cut-short file) is found, named, and explained. */
class LuceneCorruptionTest {
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

  private void ingest(int n) {
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config())) {
      for (int i = 0; i < n; i++) {
        w.add(new ImageTextPair(String.format("id%05d", i), "a dog number " + i + " surfing", List.of(), null));
      }
    }
  }

  private Path file(String suffix) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("memory/lucene"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
    }
  }

  /** Flips one bit of the first occurrence of {@code marker} in {@code file}: a stored id changes, the file's size does not. */
  private static void flip(Path file, String marker) throws IOException {
    byte[] data = Files.readAllBytes(file);
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + m.length <= data.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (data[i + j] != m[j]) {
          continue outer;
        }
      }
      data[i + m.length - 1] ^= 0x01;
      Files.write(file, data);
      return;
    }
    throw new AssertionError(marker + " not found in " + file);
  }

  @Test
  void aFlippedByteInTheDocValuesIsFoundOnOpenAndNamed() throws IOException {
    ingest(300);
    Path dvd = file(".dvd");
    flip(dvd, "id00123");
    assertThatThrownBy(() -> PROVIDER.open(config()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("retriever lucene: the memory at " + dir.resolve("memory") + " is damaged: checksum mismatch in lucene/" + dvd.getFileName())
        .hasMessageContaining("Restore the folder from a backup, or delete it and ingest the sources again")
        .hasMessageContaining("vimi memory verify");
    assertThatThrownBy(() -> PROVIDER.openWriter(config()))
        .as("ingesting into a damaged memory would carry the damage into merged segments")
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is damaged");

    MemoryCheck check = PROVIDER.verify(config());
    assertThat(check.intact()).isFalse();
    assertThat(check.problems()).hasSize(1);
    assertThat(check.problems().get(0).files()).containsExactly("lucene/" + dvd.getFileName());
    assertThat(check.problems().get(0).description()).contains("checksum");
    assertThat(check.remedy()).contains("ingest the sources again");
  }

  @Test
  void withVerificationOffTheDamageGoesUnseenUntilVerify() throws IOException {
    ingest(300);
    flip(file(".dvd"), "id00123");
    try (LuceneRetriever r = PROVIDER.open(config("verify.on.open", "false"))) {
      // what the issue saw: a corrupt id, returned without complaint
      assertThat(r.retrieve(new RetrievalQuery("dog number 123", 1)).get(0).id()).isEqualTo("id00122");
    }
    assertThat(PROVIDER.verify(config()).intact()).isFalse();
  }

  @Test
  void anIntactMemoryVerifiesCleanAndIsUnchanged() throws IOException {
    ingest(50);
    byte[] before = Files.readAllBytes(file(".dvd"));
    MemoryCheck check = PROVIDER.verify(config());
    assertThat(check.intact()).as(check.problems().toString()).isTrue();
    assertThat(check.pairs()).isEqualTo(50);
    assertThat(check.files()).isPositive();
    assertThat(check.bytes()).isPositive();
    assertThat(check.remedy()).isEmpty();
    assertThat(Files.readAllBytes(file(".dvd"))).isEqualTo(before);
    try (LuceneRetriever r = PROVIDER.open(config("verify.on.open", "true"))) {
      assertThat(r.retrieve(new RetrievalQuery("dog number 7", 1)).get(0).id()).isEqualTo("id00007");
    }
  }

  @Test
  void aTamperedImageFileIsFoundByVerify() throws IOException {
    byte[] png = java.util.Base64.getDecoder().decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config())) {
      w.add(new ImageTextPair("a", "a red dot", List.of(), ImageRef.ofBytes(png)));
    }
    Path image;
    try (Stream<Path> s = Files.walk(dir.resolve("memory/images"))) {
      image = s.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    assertThat(PROVIDER.verify(config()).intact()).isTrue();
    byte[] data = Files.readAllBytes(image);
    data[data.length / 2] ^= 0x10;
    Files.write(image, data);
    MemoryCheck check = PROVIDER.verify(config());
    assertThat(check.problems()).singleElement().satisfies(p -> {
      assertThat(p.files()).containsExactly(dir.resolve("memory").relativize(image).toString());
      assertThat(p.description()).contains("SHA-256");
    });
  }

  @Test
  void verifyRefusesWhileAnIngestWrites() {
    ingest(5);
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config())) {
      assertThatThrownBy(() -> PROVIDER.verify(config()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("an ingest is writing to the memory")
          .hasMessageContaining("after the ingest has finished");
    }
  }

  @Test
  void unknownKeysAreRefusedWithTheClosestKnownOne() {
    assertThatThrownBy(() -> PROVIDER.open(config("analyser", "english")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("retriever lucene: unknown key 'analyser'; did you mean 'analyzer'? known: [analyzer, b,");
    assertThatThrownBy(() -> PROVIDER.openWriter(config("k1_typo", "1.2")))
        .hasMessageStartingWith("retriever lucene: unknown key 'k1_typo'; did you mean 'k1'?");
    assertThatThrownBy(() -> PROVIDER.open(config("verify.on.open", "sometimes")))
        .hasMessageContaining("'verify.on.open' is 'sometimes' but must be auto");
    assertThat(dir.resolve("memory")).as("nothing was created by a refused configuration").doesNotExist();
  }
}
