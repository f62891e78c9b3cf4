package dev.vimi.image;

import java.util.Locale;
import java.util.Optional;

/**
 * Image formats recognised from their first bytes (their signature), never from a file name: the one
 * format sniffer of vimi.
 *
 * <p>{@link #PNG}, {@link #JPEG} and {@link #WEBP} are decoded by {@link ImageLoader}; {@link #GIF},
 * {@link #BMP} and {@link #TIFF} are only recognised, so that a refusal can say what a file is.
 */
public enum ImageFormat {
  PNG,
  JPEG,
  WEBP,
  GIF,
  BMP,
  TIFF;

  /** How many leading bytes {@link #sniff} looks at; fewer are fine for a short input. */
  public static final int SIGNATURE_BYTES = 12;

  /** Whether {@link ImageLoader} decodes this format. */
  public boolean decoded() {
    return this == PNG || this == JPEG || this == WEBP;
  }

  /** The format whose signature starts {@code head}, or empty if none does. */
  public static Optional<ImageFormat> sniff(byte[] head) {
    return sniff(head, head.length);
  }

  /** The format whose signature starts the first {@code length} bytes of {@code head}. */
  public static Optional<ImageFormat> sniff(byte[] head, int length) {
    byte[] d = head;
    int n = Math.min(length, head.length);
    if (n >= 8
        && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G'
        && d[4] == 0x0D && d[5] == 0x0A && d[6] == 0x1A && d[7] == 0x0A) {
      return Optional.of(PNG);
    }
    if (n >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
      return Optional.of(JPEG);
    }
    if (n >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F'
        && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
      return Optional.of(WEBP);
    }
    if (n >= 4 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F' && d[3] == '8') {
      return Optional.of(GIF);
    }
    if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
      return Optional.of(BMP);
    }
    if (n >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0) || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42))) {
      return Optional.of(TIFF);
    }
    return Optional.empty();
  }

  /**
   * What the first {@code length} bytes of {@code head} look like, for an error message about an input
   * that is not a decoded image: {@code "a GIF image"}, {@code "an empty file"}, {@code "text"}, or
   * {@code "unrecognised content"}, followed by the first bytes in hex.
   */
  public static String describe(byte[] head, int length) {
    int n = Math.min(length, head.length);
    if (n == 0) {
      return "an empty file";
    }
    Optional<ImageFormat> f = sniff(head, n);
    String what;
    if (f.isPresent()) {
      what = "a " + f.get() + " image";
    } else {
      int printable = 0;
      for (int i = 0; i < n; i++) {
        int c = head[i] & 0xFF;
        if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F)) {
          printable++;
        }
      }
      what = printable == n ? "text" : "unrecognised content";
    }
    StringBuilder sb = new StringBuilder(what).append(" (first bytes");
    for (int i = 0; i < Math.min(n, 8); i++) {
      sb.append(' ').append(String.format(Locale.ROOT, "%02X", head[i] & 0xFF));
    }
    return sb.append(')').toString();
  }
}
