package dev.vimi.memory.formats;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming reader of POSIX ustar / GNU tar archives, as WebDataset shards are written:
 * regular files with names up to 255 bytes (ustar prefix), GNU long names ({@code L}) and pax
 * {@code path} records ({@code x}). Every header checksum is verified; an archive that ends inside a
 * header or an entry's data, or without the end-of-archive block, is reported as truncated.
 */
final class TarReader implements AutoCloseable {
  static final int BLOCK = 512;

  /** One regular file of the archive. {@code offset} is the byte offset of its header. */
  record Entry(String name, long size, long offset) {}

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long position;
  private long remaining; // data + padding left of the current entry
  private Entry current;
  private boolean ended;

  TarReader(InputStream in) {
    this.in = in;
  }

  /**
   * The next regular file, or null after the end-of-archive block.
   *
   * @throws RecordProblem with {@link SkipReason#TRUNCATED_SHARD} or {@link SkipReason#CORRUPT_SHARD}
   */
  Entry next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    String longName = null;
    while (true) {
      long headerAt = position;
      int n = readBlock(header);
      if (n == 0) {
        ended = true;
        throw new RecordProblem(
            SkipReason.TRUNCATED_SHARD,
            "the shard ends at byte " + headerAt + " without the end-of-archive block: it was cut after an entry");
      }
      if (n < BLOCK) {
        ended = true;
        throw new RecordProblem(
            SkipReason.TRUNCATED_SHARD, "the shard ends at byte " + position + " inside a header (" + n + " of 512 bytes)");
      }
      if (allZero(header)) {
        ended = true;
        return null;
      }
      verifyChecksum(headerAt);
      long size = size(headerAt);
      char type = (char) header[156];
      String name = longName != null ? longName : name();
      longName = null;
      long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
      switch (type) {
        case '0', '\0', '7' -> {
          current = new Entry(name, size, headerAt);
          remaining = padded;
          return current;
        }
        case 'L' -> longName = cString(readData(headerAt, name, size, padded));
        case 'x' -> longName = paxPath(readData(headerAt, name, size, padded));
        default -> skip(headerAt, name, padded); // directories, links, global pax headers, ...
      }
    }
  }

  /** The data of the entry last returned by {@link #next()}. */
  byte[] data() throws IOException {
    if (current == null || remaining == 0) {
      throw new IllegalStateException("no entry data to read");
    }
    long padded = remaining;
    byte[] d = readData(current.offset(), current.name(), current.size(), padded);
    remaining = 0;
    return d;
  }

  /** Bytes consumed so far. */
  long position() {
    return position;
  }

  private void skipRest() throws IOException {
    if (remaining > 0 && current != null) {
      skip(current.offset(), current.name(), remaining);
    }
    remaining = 0;
  }

  private byte[] readData(long headerAt, String name, long size, long padded) throws IOException {
    if (size > Integer.MAX_VALUE - 16) {
      throw new RecordProblem(SkipReason.MALFORMED_RECORD, "entry " + name + " of " + size + " bytes is too large to read");
    }
    byte[] d = new byte[(int) size];
    int off = 0;
    while (off < d.length) {
      int r = in.read(d, off, d.length - off);
      if (r < 0) {
        position += off;
        ended = true;
        throw truncatedData(headerAt, name, size, off);
      }
      off += r;
    }
    position += size;
    skip(headerAt, name, padded - size);
    return d;
  }

  private void skip(long headerAt, String name, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          position += n - left;
          ended = true;
          throw truncatedData(headerAt, name, n, n - left);
        }
        s = 1;
      }
      left -= s;
    }
    position += n;
  }

  private RecordProblem truncatedData(long headerAt, String name, long expected, long got) {
    return new RecordProblem(
        SkipReason.TRUNCATED_SHARD,
        "the shard ends at byte " + position + " inside entry " + name + " (header at byte " + headerAt
            + "): " + got + " of " + expected + " bytes present");
  }

  private int readBlock(byte[] b) throws IOException {
    int off = 0;
    while (off < BLOCK) {
      int r = in.read(b, off, BLOCK - off);
      if (r < 0) {
        break;
      }
      off += r;
    }
    position += off;
    return off;
  }

  private void verifyChecksum(long headerAt) {
    long stored = octal(148, 8, headerAt, "checksum");
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    if (sum != stored) {
      ended = true;
      throw new RecordProblem(
          SkipReason.CORRUPT_SHARD,
          "the tar header at byte " + headerAt + " has checksum " + stored + " but its bytes sum to " + sum
              + ": the shard is damaged or not a tar file");
    }
  }

  private long size(long headerAt) {
    if ((header[124] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
      long v = header[124] & 0x7f;
      for (int i = 125; i < 136; i++) {
        v = (v << 8) | (header[i] & 0xff);
      }
      return v;
    }
    return octal(124, 12, headerAt, "size");
  }

  private long octal(int off, int len, long headerAt, String field) {
    long v = 0;
    int i = off;
    int end = off + len;
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    boolean any = false;
    while (i < end && header[i] >= '0' && header[i] <= '7') {
      v = (v << 3) + (header[i] - '0');
      i++;
      any = true;
    }
    while (i < end && (header[i] == ' ' || header[i] == 0)) {
      i++;
    }
    if (!any || i != end) {
      ended = true;
      throw new RecordProblem(
          SkipReason.CORRUPT_SHARD,
          "the tar header at byte " + headerAt + " has an unreadable " + field + " field: the shard is damaged or not a tar file");
    }
    return v;
  }

  private String name() {
    String name = field(0, 100);
    boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
    if (ustar) {
      String prefix = field(345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    return name;
  }

  private String field(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  private static String cString(byte[] b) {
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.UTF_8);
  }

  /** The {@code path} of a pax extended header ({@code "LEN key=value\n"} records), or null. */
  private static String paxPath(byte[] b) {
    String s = new String(b, StandardCharsets.UTF_8);
    String path = null;
    for (String rec : s.split("\n")) {
      int sp = rec.indexOf(' ');
      int eq = rec.indexOf('=');
      if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals("path")) {
        path = rec.substring(eq + 1);
      }
    }
    return path;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
