package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlPairReaderTest {
  @TempDir Path dir;

  private static List<ImageTextPair> readAll(PairReader r) {
    List<ImageTextPair> out = new ArrayList<>();
    while (r.hasNext()) {
      out.add(r.next());
    }
    return out;
  }

  @Test
  void readsEveryImageFormOfTheRecord() throws IOException {
    byte[] png = TestImages.png(1);
    Files.createDirectories(dir.resolve("img"));
    Files.write(dir.resolve("img/a.png"), png);
    Path abs = dir.resolve("img/b.jpg");
    Files.write(abs, TestImages.jpeg(2));
    String b64 = Base64.getEncoder().encodeToString(png);
    String jsonl =
        String.join(
            "\n",
            "{\"id\":\"a\",\"caption\":\"a dog on a surfboard\",\"keywords\":[\"dog\",\" surf \"],\"image\":\"img/a.png\"}",
            "",
            "{\"id\":7,\"text\":\"  a red fox  \",\"keywords\":\"fox, red,,\",\"image_path\":\"" + abs + "\"}",
            "{\"id\":\"c\",\"caption\":\"remote\",\"image\":\"https://example.org/c.jpg\"}",
            "{\"id\":\"d\",\"caption\":\"file uri\",\"image_uri\":\"" + abs.toUri() + "\"}",
            "{\"id\":\"e\",\"caption\":\"inline\",\"image_base64\":\"" + b64 + "\"}",
            "{\"id\":\"f\",\"caption\":\"data uri\",\"image\":\"data:image/png;base64," + b64 + "\"}",
            "{\"id\":\"g\",\"caption\":\"object path\",\"image\":{\"path\":\"img/a.png\"}}",
            "{\"id\":\"h\",\"caption\":\"text only\"}",
            "{\"id\":\"i\",\"caption\":\"null image\",\"image\":null,\"extra\":{\"ignored\":true}}");
    Path file = dir.resolve("pairs.jsonl");
    Files.writeString(file, jsonl + "\n");

    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThat(r.format()).isEqualTo(MemoryFormat.JSONL);
      List<ImageTextPair> pairs = readAll(r);
      assertThat(pairs).extracting(ImageTextPair::id).containsExactly("a", "7", "c", "d", "e", "f", "g", "h", "i");
      assertThat(pairs.get(0).keywords()).containsExactly("dog", "surf");
      assertThat(pairs.get(0).image()).isEqualTo(ImageRef.of(dir.resolve("img/a.png").toAbsolutePath().normalize()));
      assertThat(pairs.get(1).caption()).isEqualTo("a red fox");
      assertThat(pairs.get(1).keywords()).containsExactly("fox", "red");
      assertThat(pairs.get(1).image()).isEqualTo(ImageRef.of(abs.toAbsolutePath().normalize()));
      assertThat(pairs.get(2).image()).isEqualTo(ImageRef.of(URI.create("https://example.org/c.jpg")));
      assertThat(pairs.get(3).image()).isInstanceOf(ImageRef.OfPath.class);
      assertThat(pairs.get(4).image()).isEqualTo(ImageRef.ofBytes(png));
      assertThat(pairs.get(5).image()).isEqualTo(ImageRef.ofBytes(png));
      assertThat(pairs.get(6).image()).isEqualTo(pairs.get(0).image());
      assertThat(pairs.get(7).image()).isNull();
      assertThat(pairs.get(8).image()).isNull();
      assertThat(r.counts()).isEqualTo(new ReadCounts(9, 0, Map.of()));
      assertThat(r.bytesRead()).isEqualTo(r.totalBytes()).isEqualTo(Files.size(file));
    }
  }

  @Test
  void failPolicyNamesTheLineAndTheProblem() throws IOException {
    Path file = dir.resolve("bad.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"caption\":\"ok\"}\n{\"id\":\"b\",\"caption\":\"oops\"\n{\"id\":\"c\",\"caption\":\"never read\"}\n");
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThat(r.next().id()).isEqualTo("a");
      assertThatThrownBy(r::hasNext)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("line 2")
          .hasMessageContaining("not valid JSON")
          .satisfies(e -> assertThat(((MalformedRecordException) e).reason()).isEqualTo(SkipReason.MALFORMED_RECORD));
    }
  }

  @Test
  void skipPolicyCountsEveryKindOfBadRecord() throws IOException {
    byte[] png = TestImages.png(3);
    byte[] truncated = java.util.Arrays.copyOf(png, png.length - 5);
    String longCaption = "x".repeat(1 << 20);
    List<String> lines =
        List.of(
            "{\"id\":\"ok1\",\"caption\":\"fine\"}",
            "not json at all",
            "[1,2,3]",
            "{\"caption\":\"no id\"}",
            "{\"id\":\"nocap\"}",
            "{\"id\":\"blank\",\"caption\":\"   \"}",
            "{\"id\":\"long\",\"caption\":\"" + longCaption + "\"}",
            "{\"id\":\"dupkey\",\"caption\":\"a\",\"caption\":\"b\"}",
            "{\"id\":\"two\",\"caption\":\"a\",\"image\":\"x.png\",\"image_uri\":\"https://x/y.png\"}",
            "{\"id\":\"b64\",\"caption\":\"a\",\"image_base64\":\"@@@not base64@@@\"}",
            "{\"id\":\"trunc\",\"caption\":\"a\",\"image_base64\":\"" + Base64.getEncoder().encodeToString(truncated) + "\"}",
            "{\"id\":\"gone\",\"caption\":\"a\",\"image\":\"missing.png\"}",
            "{\"id\":\"kw\",\"caption\":\"a\",\"keywords\":[1,2]}",
            "{\"id\":\"trailing\",\"caption\":\"a\"} {}",
            "{\"id\":\"ok2\",\"caption\":\"fine too\"}");
    Path file = dir.resolve("mixed.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(readAll(r)).extracting(ImageTextPair::id).containsExactly("ok1", "ok2");
      ReadCounts c = r.counts();
      assertThat(c.read()).isEqualTo(2);
      assertThat(c.skipped()).isEqualTo(13);
      assertThat(c.skippedByReason())
          .containsEntry(SkipReason.MALFORMED_RECORD, 5L)
          .containsEntry(SkipReason.MISSING_ID, 1L)
          .containsEntry(SkipReason.MISSING_CAPTION, 2L)
          .containsEntry(SkipReason.CAPTION_TOO_LONG, 1L)
          .containsEntry(SkipReason.BAD_IMAGE_REFERENCE, 2L)
          .containsEntry(SkipReason.BAD_IMAGE, 1L)
          .containsEntry(SkipReason.MISSING_IMAGE, 1L);
      assertThat(c.summary()).startsWith("2 read, 13 skipped (").contains("caption too long: 1");
    }
  }

  @Test
  void megabyteCaptionFailsWithTheLimitInTheMessage() throws IOException {
    Path file = dir.resolve("long.jsonl");
    Files.writeString(file, "{\"id\":\"big\",\"caption\":\"" + "word ".repeat(210_000) + "\"}\n");
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThatThrownBy(r::next)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("line 1")
          .hasMessageContaining("caption too long")
          .hasMessageContaining("limit of 65536");
    }
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults().withMaxCaptionChars(2_000_000))) {
      assertThat(r.next().caption()).hasSize(5 * 210_000 - 1);
    }
  }

  @Test
  void imageVerificationCanBeTurnedOff() throws IOException {
    Path file = dir.resolve("refs.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"caption\":\"not there yet\",\"image\":\"later/a.png\"}\n");
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults().withVerifyImages(false))) {
      assertThat(r.next().image()).isEqualTo(ImageRef.of(dir.resolve("later/a.png").toAbsolutePath()));
    }
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThatThrownBy(r::next).isInstanceOf(MalformedRecordException.class).hasMessageContaining("does not exist");
    }
  }

  @Test
  void readsGzipAndStreams() throws IOException {
    Path gz = dir.resolve("pairs.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      for (int i = 0; i < 1000; i++) {
        out.write(("{\"id\":\"p" + i + "\",\"caption\":\"caption number " + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    try (PairReader r = PairReaders.open(gz, ReadOptions.defaults())) {
      assertThat(r.stream().map(ImageTextPair::id).toList()).hasSize(1000).startsWith("p0", "p1").endsWith("p999");
      assertThat(r.bytesRead()).isEqualTo(Files.size(gz));
    }
    byte[] data = "{\"id\":\"s\",\"caption\":\"from a stream\"}\n".getBytes(StandardCharsets.UTF_8);
    try (PairReader r = PairReaders.jsonl(new ByteArrayInputStream(data), "stdin", null, ReadOptions.defaults())) {
      assertThat(r.next().caption()).isEqualTo("from a stream");
      assertThat(r.hasNext()).isFalse();
      assertThat(r.totalBytes()).isEqualTo(-1);
    }
  }

  @Test
  void closedReaderRefusesToRead() throws IOException {
    Path file = dir.resolve("one.jsonl");
    Files.writeString(file, "{\"id\":\"a\",\"caption\":\"b\"}\n");
    PairReader r = PairReaders.open(file, ReadOptions.defaults());
    r.close();
    r.close();
    assertThatThrownBy(r::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
