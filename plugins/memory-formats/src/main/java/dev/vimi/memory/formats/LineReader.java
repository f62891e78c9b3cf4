package dev.vimi.memory.formats;

import dev.vimi.spi.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * UTF-8 lines of a file (gzip-decompressed if it ends in {@code .gz}) with a byte counter. Lines end at
 * {@code \n}, {@code \r\n} or {@code \r}; a UTF-8 byte order mark at the start is dropped.
 *
 * <p>Decoding is strict: a line that is not valid UTF-8 is not turned into replacement characters
 * (which would store a damaged caption as if it were fine) but is refused, and the reader then stands
 * at the next line, so that the caller's malformed-record policy decides whether to skip it or stop.
 * The pair readers of this module read their JSONL and TSV files through it; callers that parse line
 * records of their own (such as the dataset builder of {@code vimi-augment}) use {@link #open(Path)}
 * and {@link #readLine()}.
 *
 * <p><b>Thread-safety.</b> Not thread-safe: one thread reads; only {@link #bytesRead()} may be called
 * from any thread. <b>Ownership.</b> A reader owns the stream it reads; whoever opened the reader closes
 * it, which closes that stream.
 */
public final class LineReader implements AutoCloseable {
  private static final int BUFFER = 1 << 16;

  private final CountingInputStream counter;
  private final InputStream in;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private int limit;
  private boolean eof;
  private byte[] line = new byte[256];
  private int lineLength;
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private long lineNumber;

  LineReader(Path file) throws IOException {
    this(Files.newInputStream(file), MemoryFormat.lowerName(file).endsWith(".gz"));
  }

  /**
   * Opens a UTF-8 text file; a name ending in {@code .gz} is read gzip-decompressed.
   *
   * @throws java.util.zip.ZipException if the name ends in {@code .gz} but the file is not gzip data
   * @throws IOException if the file cannot be opened
   */
  public static LineReader open(Path file) throws IOException {
    return new LineReader(file);
  }

  /**
   * The next line without its terminator, or null at the end of the input.
   *
   * @throws InvalidInputException (field {@code "record"}) if the line is not valid UTF-8; the message
   *     names the first bad byte and how to convert the file. The next call reads the line after it.
   * @throws IOException if the input cannot be read
   */
  public String readLine() throws IOException {
    try {
      return next();
    } catch (RecordProblem problem) {
      throw new InvalidInputException("record", problem.detail);
    }
  }

  LineReader(InputStream in, boolean gzip) throws IOException {
    this.counter = new CountingInputStream(in);
    this.in = gzip ? new GZIPInputStream(counter, BUFFER) : counter;
  }

  /**
   * The next line without its terminator, or null at the end.
   *
   * @throws RecordProblem if the line is not valid UTF-8; the next call reads the line after it
   */
  String next() throws IOException {
    if (!readLineBytes()) {
      return null;
    }
    lineNumber++;
    int start = 0;
    if (lineNumber == 1 && lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
      start = 3; // a byte order mark, written by some editors; not part of the record
    }
    boolean ascii = true;
    for (int i = start; i < lineLength; i++) {
      if (line[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(line, start, lineLength - start, StandardCharsets.ISO_8859_1);
    }
    return decodeStrict(start);
  }

  private String decodeStrict(int start) {
    decoder.reset();
    ByteBuffer bytes = ByteBuffer.wrap(line, start, lineLength - start);
    try {
      CharBuffer chars = decoder.decode(bytes);
      return chars.toString();
    } catch (CharacterCodingException e) {
      int at = firstBadByte(start);
      StringBuilder hex = new StringBuilder();
      for (int i = at; i < Math.min(lineLength, at + 4); i++) {
        hex.append(hex.isEmpty() ? "" : " ").append(String.format("%02X", line[i] & 0xFF));
      }
      throw new RecordProblem(
          SkipReason.INVALID_ENCODING,
          "the line is not valid UTF-8 (byte " + (at - start + 1) + " of the line: " + hex
              + "); the file must be UTF-8: convert it (e.g. iconv -f LATIN1 -t UTF-8) or repair the line");
    }
  }

  /** Offset in {@link #line} of the first byte that does not start or continue a valid UTF-8 sequence. */
  private int firstBadByte(int start) {
    for (int i = start; i < lineLength; ) {
      int b = line[i] & 0xFF;
      int n = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
      if (n == 0 || i + n > lineLength) {
        return i;
      }
      CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
      try {
        d.decode(ByteBuffer.wrap(line, i, n));
      } catch (CharacterCodingException e) {
        return i;
      }
      i += n;
    }
    return start;
  }

  /** Reads the bytes of the next line into {@link #line}; false at the end of the input. */
  private boolean readLineBytes() throws IOException {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        if (eof || !fill()) {
          return any;
        }
      }
      any = true;
      int i = pos;
      while (i < limit && buf[i] != '\n' && buf[i] != '\r') {
        i++;
      }
      append(pos, i - pos);
      if (i == limit) {
        pos = limit;
        continue;
      }
      byte terminator = buf[i];
      pos = i + 1;
      if (terminator == '\r') {
        if (pos == limit && !eof) {
          fill();
        }
        if (pos < limit && buf[pos] == '\n') {
          pos++;
        }
      }
      return true;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = true;
      pos = limit = 0;
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  private void append(int from, int length) {
    if (length == 0) {
      return;
    }
    if (lineLength + length > line.length) {
      line = Arrays.copyOf(line, Math.max(lineLength + length, line.length * 2));
    }
    System.arraycopy(buf, from, line, lineLength, length);
    lineLength += length;
  }

  /** 1-based number of the line last returned (or refused); 0 before the first. */
  public long lineNumber() {
    return lineNumber;
  }

  /**
   * Bytes of input consumed so far (compressed bytes for a {@code .gz} file, read-ahead included), for
   * progress reporting.
   */
  public long bytesRead() {
    return counter.count();
  }

  /** Closes the input. */
  @Override
  public void close() throws IOException {
    in.close();
  }
}
