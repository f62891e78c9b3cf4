package dev.vimi.memory.formats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** UTF-8 lines of a file (gzip-decompressed if it ends in {@code .gz}) with a byte counter. */
final class LineReader implements AutoCloseable {
  private final CountingInputStream counter;
  private final BufferedReader reader;
  private long lineNumber;

  LineReader(Path file) throws IOException {
    this(Files.newInputStream(file), MemoryFormat.lowerName(file).endsWith(".gz"));
  }

  LineReader(InputStream in, boolean gzip) throws IOException {
    this.counter = new CountingInputStream(in);
    InputStream s = gzip ? new GZIPInputStream(counter, 1 << 16) : counter;
    // malformed UTF-8 becomes U+FFFD (InputStreamReader's default): a damaged byte costs a character, not the file
    this.reader = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8), 1 << 16);
  }

  /** The next line without its terminator, or null at the end. */
  String next() throws IOException {
    String line = reader.readLine();
    if (line != null) {
      lineNumber++;
    }
    return line;
  }

  /** 1-based number of the line last returned. */
  long lineNumber() {
    return lineNumber;
  }

  long bytesRead() {
    return counter.count();
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
