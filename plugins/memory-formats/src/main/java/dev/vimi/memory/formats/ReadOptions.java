package dev.vimi.memory.formats;

import dev.vimi.spi.ConfigurationException;
import java.util.Objects;

/**
 * How a {@link PairReader} treats its input. Immutable; build one with {@link #defaults()} and the
 * {@code with...} methods.
 *
 * @param onMalformed what to do with a record that cannot be read; default {@link MalformedPolicy#FAIL},
 *     so that nothing is lost without the caller asking for it
 * @param maxCaptionChars longest caption accepted, in UTF-16 chars; default {@value #DEFAULT_MAX_CAPTION_CHARS}.
 *     Captions are short texts; a megabyte "caption" is a broken record, and it would dominate an index.
 * @param verifyImages if true (default), image files must exist and image bytes (inline, or in a
 *     file) must start like PNG, JPEG, GIF, WebP or BMP and end like a complete file of that format
 *     (PNG IEND chunk, JPEG end-of-image marker, GIF trailer, RIFF size of WebP, BMP file size).
 *     Only the first and last bytes of a file are read, so the check is cheap; {@code http(s):}
 *     URIs are never fetched.
 */
public record ReadOptions(MalformedPolicy onMalformed, int maxCaptionChars, boolean verifyImages) {

  /** Default for {@link #maxCaptionChars()}. */
  public static final int DEFAULT_MAX_CAPTION_CHARS = 65_536;

  /** Longest id accepted, in UTF-16 chars (ids are index keys, not text). */
  public static final int MAX_ID_CHARS = 1_024;

  public ReadOptions {
    Objects.requireNonNull(onMalformed, "onMalformed");
    if (maxCaptionChars < 1) {
      throw new ConfigurationException("maxCaptionChars must be at least 1 but is " + maxCaptionChars);
    }
  }

  /** FAIL on malformed records, captions up to {@value #DEFAULT_MAX_CAPTION_CHARS} chars, images verified. */
  public static ReadOptions defaults() {
    return new ReadOptions(MalformedPolicy.FAIL, DEFAULT_MAX_CAPTION_CHARS, true);
  }

  public ReadOptions withOnMalformed(MalformedPolicy policy) {
    return new ReadOptions(policy, maxCaptionChars, verifyImages);
  }

  public ReadOptions withMaxCaptionChars(int chars) {
    return new ReadOptions(onMalformed, chars, verifyImages);
  }

  public ReadOptions withVerifyImages(boolean verify) {
    return new ReadOptions(onMalformed, maxCaptionChars, verify);
  }
}
