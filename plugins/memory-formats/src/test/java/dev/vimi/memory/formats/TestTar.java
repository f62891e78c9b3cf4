package dev.vimi.memory.formats;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes POSIX ustar archives for tests (the layout WebDataset's writers produce). */
final class TestTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  TestTar add(String name, byte[] data) {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      byte[] longName = (name + "\0").getBytes(StandardCharsets.UTF_8);
      header("././@LongLink", longName.length, 'L');
      write(longName);
      name = name.substring(0, 99);
    }
    header(name, data.length, '0');
    write(data);
    return this;
  }

  TestTar add(String name, String text) {
    return add(name, text.getBytes(StandardCharsets.UTF_8));
  }

  TestTar directory(String name) {
    header(name, 0, '5');
    return this;
  }

  /** The archive with its end-of-archive blocks. */
  byte[] finish() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The archive without end-of-archive blocks (as if cut right after the last entry). */
  byte[] unfinished() {
    return out.toByteArray();
  }

  private void header(String name, long size, char type) {
    byte[] h = new byte[512];
    put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
    put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII), 8);
    put(h, 108, "0001750\0".getBytes(StandardCharsets.US_ASCII), 8);
    put(h, 116, "0001750\0".getBytes(StandardCharsets.US_ASCII), 8);
    put(h, 124, String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII), 12);
    put(h, 136, String.format("%011o\0", 1_700_000_000L).getBytes(StandardCharsets.US_ASCII), 12);
    h[156] = (byte) type;
    put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII), 6);
    put(h, 263, "00".getBytes(StandardCharsets.US_ASCII), 2);
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 8);
    out.writeBytes(h);
  }

  private void write(byte[] data) {
    out.writeBytes(data);
    int pad = (512 - data.length % 512) % 512;
    out.writeBytes(new byte[pad]);
  }

  private static void put(byte[] h, int off, byte[] v, int max) {
    System.arraycopy(v, 0, h, off, Math.min(v.length, max));
  }
}
