package dev.vimi.memory.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Cheap structural checks of encoded images: the first bytes say the format, the last bytes (or a
 * size field) say whether the file is complete. Decoding is left to whoever consumes the image.
 */
final class ImageChecks {
  private static final int HEAD = 16;
  private static final int TAIL = 64;
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] PNG_IEND = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82
  };

  private ImageChecks() {}

  /** Image file extensions (lower case, with dot) that folder and shard readers treat as images. */
  static boolean isImageExtension(String ext) {
    return switch (ext.toLowerCase(Locale.ROOT)) {
      case "png", "jpg", "jpeg", "gif", "webp", "bmp" -> true;
      default -> false;
    };
  }

  /** The problem with these encoded bytes, or empty if they look like one complete image. */
  static Optional<String> check(byte[] data) {
    int tailLen = Math.min(TAIL, data.length);
    byte[] tail = Arrays.copyOfRange(data, data.length - tailLen, data.length);
    return check(data, Math.min(HEAD, data.length), tail, data.length);
  }

  /**
   * The problem with this image file, or empty if it exists and looks complete. Reads only its head
   * and tail.
   *
   * @throws RecordProblem if the file is missing or unreadable
   */
  static Optional<String> checkFile(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(HEAD, size));
      readFully(ch, head, 0);
      int tailLen = (int) Math.min(TAIL, size);
      ByteBuffer tail = ByteBuffer.allocate(tailLen);
      readFully(ch, tail, size - tailLen);
      return check(head.array(), head.limit(), Arrays.copyOf(tail.array(), tail.limit()), size);
    } catch (NoSuchFileException e) {
      throw new RecordProblem(SkipReason.MISSING_IMAGE, "image file " + file + " does not exist");
    } catch (IOException e) {
      String what = Files.isDirectory(file) ? "is a directory, not an image file" : "cannot be read: " + e;
      throw new RecordProblem(SkipReason.MISSING_IMAGE, "image file " + file + " " + what, e);
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        break;
      }
    }
    buf.flip();
  }

  /**
   * @param head the first bytes of the image ({@code h} of them valid)
   * @param tail the last bytes of the image, all valid
   * @param total the length of the whole image
   */
  private static Optional<String> check(byte[] head, int h, byte[] tail, long total) {
    if (total == 0) {
      return Optional.of("the image is empty (0 bytes)");
    }
    int t = tail.length;
    if (startsWith(head, h, PNG_MAGIC)) {
      return endsWith(tail, PNG_IEND)
          ? Optional.empty()
          : Optional.of("PNG image of " + total + " bytes has no IEND chunk at its end: it is truncated");
    }
    if (h >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
      // JPEG: the end-of-image marker FF D9, allowing for the little padding some encoders append
      for (int i = t - 2; i >= 0; i--) {
        if ((tail[i] & 0xff) == 0xff && (tail[i + 1] & 0xff) == 0xd9) {
          return Optional.empty();
        }
      }
      return Optional.of("JPEG image of " + total + " bytes has no end-of-image marker: it is truncated");
    }
    if (h >= 6 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
      return t > 0 && tail[t - 1] == 0x3b
          ? Optional.empty()
          : Optional.of("GIF image of " + total + " bytes does not end with the GIF trailer: it is truncated");
    }
    if (h >= 12
        && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
        && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
      long riff = le32(head, 4) + 8L;
      return total >= riff
          ? Optional.empty()
          : Optional.of("WebP image declares " + riff + " bytes but has " + total + ": it is truncated");
    }
    if (h >= 6 && head[0] == 'B' && head[1] == 'M') {
      long declared = le32(head, 2);
      return total >= declared
          ? Optional.empty()
          : Optional.of("BMP image declares " + declared + " bytes but has " + total + ": it is truncated");
    }
    return Optional.of("not a PNG, JPEG, GIF, WebP or BMP image (first bytes " + hex(head, Math.min(h, 8)) + ")");
  }

  private static boolean startsWith(byte[] a, int len, byte[] prefix) {
    if (len < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean endsWith(byte[] a, byte[] suffix) {
    if (a.length < suffix.length) {
      return false;
    }
    int start = a.length - suffix.length;
    for (int i = 0; i < suffix.length; i++) {
      if (a[start + i] != suffix[i]) {
        return false;
      }
    }
    return true;
  }

  private static long le32(byte[] a, int off) {
    return (a[off] & 0xffL) | (a[off + 1] & 0xffL) << 8 | (a[off + 2] & 0xffL) << 16 | (a[off + 3] & 0xffL) << 24;
  }

  private static String hex(byte[] a, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(String.format(Locale.ROOT, "%02x", a[i] & 0xff));
    }
    return sb.toString();
  }
}
