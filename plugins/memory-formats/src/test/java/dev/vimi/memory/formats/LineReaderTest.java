package dev.vimi.memory.formats;

import static dev.vimi.memory.formats.Utf8RecordsTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.InvalidInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The public face of {@link LineReader}, for callers that parse line records themselves. */
class LineReaderTest {
  @TempDir Path dir;

  @Test
  void readsLinesWithTheirNumbersAndRefusesInvalidUtf8WithoutLosingItsPlace() throws IOException {
    Path f = dir.resolve("lines.jsonl");
    byte[] content = bytes("\uFEFFfirst\r\n", "caf", new byte[] {(byte) 0xE9}, "\n", "\u732b\rlast");
    Files.write(f, content);
    try (LineReader r = LineReader.open(f)) {
      assertThat(r.lineNumber()).isZero();
      assertThat(r.readLine()).as("the byte order mark is dropped").isEqualTo("first");
      assertThatThrownBy(r::readLine)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("record: the line is not valid UTF-8 (byte 4 of the line: E9)")
          .hasMessageContaining("iconv");
      assertThat(r.lineNumber()).isEqualTo(2);
      assertThat(r.readLine()).isEqualTo("\u732b");
      assertThat(r.readLine()).isEqualTo("last");
      assertThat(r.lineNumber()).isEqualTo(4);
      assertThat(r.readLine()).isNull();
      assertThat(r.bytesRead()).isEqualTo(content.length);
    }
  }

  @Test
  void aGzFileIsReadDecompressed() throws IOException {
    Path f = dir.resolve("lines.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(bytes("a\n\nb\n"));
    }
    try (LineReader r = LineReader.open(f)) {
      assertThat(r.readLine()).isEqualTo("a");
      assertThat(r.readLine()).isEmpty();
      assertThat(r.readLine()).isEqualTo("b");
      assertThat(r.readLine()).isNull();
      assertThat(r.bytesRead()).as("compressed bytes").isEqualTo(Files.size(f));
    }
  }
}
