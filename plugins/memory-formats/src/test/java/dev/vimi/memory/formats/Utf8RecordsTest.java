package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageTextPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Invalid UTF-8 is a malformed record: counted under {@link SkipReason#INVALID_ENCODING}, reported with
 * its line, and handled by the skip/fail policy; never stored as replacement characters.
 */
class Utf8RecordsTest {
  @TempDir Path dir;

  /** The parts in a row: byte arrays as they are, anything else as its UTF-8 text. */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(p instanceof byte[] b ? b : p.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** Latin-1 "café" (E9 alone), a truncated 3-byte sequence, an overlong '/', a UTF-16 surrogate in UTF-8, 0xFF. */
  static final byte[][] BAD = {
    {(byte) 0x63, (byte) 0x61, (byte) 0x66, (byte) 0xE9},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xC0, (byte) 0xAF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {(byte) 0xFF},
  };

  private static List<ImageTextPair> readAll(PairReader r) {
    List<ImageTextPair> out = new ArrayList<>();
    while (r.hasNext()) {
      out.add(r.next());
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4})
  void jsonlLineWithInvalidUtf8FailsWithItsLine(int which) throws IOException {
    Path f = dir.resolve("pairs.jsonl");
    Files.write(f, bytes("{\"id\":\"a\",\"caption\":\"fine\"}\n{\"id\":\"b\",\"caption\":\"", BAD[which], "\"}\n"));
    try (PairReader r = PairReaders.open(f, ReadOptions.defaults())) {
      assertThat(r.next().id()).isEqualTo("a");
      assertThatThrownBy(r::hasNext)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining(f + ", line 2: invalid UTF-8: the line is not valid UTF-8 (byte " + (which == 0 ? 25 : 22) + " of the line")
          .hasMessageContaining("convert it");
    }
  }

  @Test
  void skippedInvalidLinesAreCountedAndTheRestIsRead() throws IOException {
    Path f = dir.resolve("pairs.tsv");
    Files.write(
        f,
        bytes(
            "id\tcaption\n",
            "a\tcaf", BAD[0], "\n",
            "b\ta caf\u00e9 in Paris\r\n",
            "c\t\u732b\u306e\u5199\u771f\r",
            "d\t", BAD[4], "\n",
            "e\tlast line without terminator"));
    try (PairReader r = PairReaders.open(f, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      List<ImageTextPair> pairs = readAll(r);
      assertThat(pairs).extracting(ImageTextPair::id).containsExactly("b", "c", "e");
      assertThat(pairs).extracting(ImageTextPair::caption)
          .containsExactly("a caf\u00e9 in Paris", "\u732b\u306e\u5199\u771f", "last line without terminator")
          .noneMatch(c -> c.contains("\uFFFD"));
      assertThat(r.counts().skipped()).isEqualTo(2);
      assertThat(r.counts().skippedByReason()).containsEntry(SkipReason.INVALID_ENCODING, 2L);
    }
  }

  @Test
  void gzipAndAByteOrderMarkAreHandled() throws IOException {
    Path f = dir.resolve("pairs.jsonl.gz");
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
      gz.write(bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"id\":\"a\",\"caption\":\"\u00fcber\"}\n",
          "{\"id\":\"b\",\"caption\":\"", BAD[1], "\"}\n"));
    }
    Files.write(f, raw.toByteArray());
    try (PairReader r = PairReaders.open(f, ReadOptions.defaults())) {
      assertThat(r.next().caption()).isEqualTo("\u00fcber");
      assertThatThrownBy(r::hasNext).hasMessageContaining("line 2: invalid UTF-8");
    }
  }

  @Test
  void longLinesAcrossBufferBoundariesKeepTheirCharacters() throws IOException {
    String caption = "\u00e9\u732b".repeat(50_000); // 250,000 bytes: several buffers, sequences cut at boundaries
    Path f = dir.resolve("long.jsonl");
    Files.write(f, bytes("{\"id\":\"a\",\"caption\":\"" + caption + "\"}\n"));
    try (PairReader r = PairReaders.open(f, ReadOptions.defaults().withMaxCaptionChars(1 << 20))) {
      assertThat(r.next().caption()).isEqualTo(caption);
      assertThat(r.hasNext()).isFalse();
    }
  }

  @Test
  void captionFilesAndShardSidecarsAreDecodedStrictly() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("images"));
    Files.write(folder.resolve("a.png"), TestImages.png(1));
    Files.write(folder.resolve("a.txt"), bytes("caf", BAD[0]));
    Files.write(folder.resolve("b.png"), TestImages.png(2));
    Files.write(folder.resolve("b.txt"), bytes("a fine caption"));
    try (PairReader r = PairReaders.open(folder, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(readAll(r)).extracting(ImageTextPair::id).containsExactly("b");
      assertThat(r.counts().skippedByReason()).containsEntry(SkipReason.INVALID_ENCODING, 1L);
    }
    try (PairReader r = PairReaders.open(folder, ReadOptions.defaults())) {
      assertThatThrownBy(r::hasNext).isInstanceOf(MalformedRecordException.class).hasMessageContaining("caption file a.txt is not valid UTF-8");
    }

    Path shard = dir.resolve("shard-000.tar");
    Files.write(
        shard,
        new TestTar()
            .add("s1.png", TestImages.png(3))
            .add("s1.txt", bytes("bad ", BAD[2]))
            .add("s2.png", TestImages.png(4))
            .add("s2.json", bytes("{\"caption\":\"", BAD[3], "\"}"))
            .add("s3.png", TestImages.png(5))
            .add("s3.txt", "fine")
            .finish());
    try (PairReader r = PairReaders.open(shard, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(readAll(r)).extracting(ImageTextPair::id).containsExactly("s3");
      assertThat(r.counts().skippedByReason()).containsEntry(SkipReason.INVALID_ENCODING, 2L);
    }
  }
}
