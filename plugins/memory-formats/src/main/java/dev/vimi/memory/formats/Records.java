package dev.vimi.memory.formats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vimi.spi.ImageRef;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Field checks and conversions shared by the format parsers. Stateless. */
final class Records {
  /**
   * Decodes the UTF-8 text of a caption file or sidecar strictly.
   *
   * @param what what the bytes are, for the message ("caption file cat.txt")
   * @throws RecordProblem of reason {@link SkipReason#INVALID_ENCODING} if the bytes are not valid UTF-8
   */
  static String utf8(byte[] bytes, String what) {
    try {
      return java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new RecordProblem(
          SkipReason.INVALID_ENCODING, what + " is not valid UTF-8; convert it to UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)");
    }
  }

  /** A URI scheme of two or more characters, so that {@code C:\x} stays a Windows path. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]+:.*", Pattern.DOTALL);

  private Records() {}

  static String id(String raw) {
    if (raw == null || raw.isBlank()) {
      throw new RecordProblem(SkipReason.MISSING_ID, "the record has no id");
    }
    String id = raw.strip();
    if (id.length() > ReadOptions.MAX_ID_CHARS) {
      throw new RecordProblem(
          SkipReason.BAD_ID, "id of " + id.length() + " characters is longer than " + ReadOptions.MAX_ID_CHARS);
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '\n' || c == '\r' || c == '\t') {
        throw new RecordProblem(SkipReason.BAD_ID, "id '" + shorten(id) + "' holds a line break or tab");
      }
    }
    return id;
  }

  static String caption(String raw, String id, ReadOptions options) {
    if (raw == null || raw.isBlank()) {
      throw new RecordProblem(SkipReason.MISSING_CAPTION, "record '" + id + "' has no caption");
    }
    String c = raw.strip();
    if (c.length() > options.maxCaptionChars()) {
      throw new RecordProblem(
          SkipReason.CAPTION_TOO_LONG,
          "record '"
              + id
              + "' has a caption of "
              + c.length()
              + " characters, more than the limit of "
              + options.maxCaptionChars()
              + " (raise ReadOptions.maxCaptionChars if such captions are intended)");
    }
    return c;
  }

  /** Keywords from a JSON array of strings or one comma-separated string; null or missing gives none. */
  static List<String> keywords(JsonNode node, String id, ReadOptions options) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return out;
    }
    if (node.isTextual()) {
      for (String k : node.asText().split(",")) {
        addKeyword(out, k);
      }
    } else if (node.isArray()) {
      for (JsonNode k : node) {
        if (!k.isTextual()) {
          throw new RecordProblem(
              SkipReason.MALFORMED_RECORD, "record '" + id + "': keywords must be strings, found " + k.getNodeType());
        }
        addKeyword(out, k.asText());
      }
    } else {
      throw new RecordProblem(
          SkipReason.MALFORMED_RECORD,
          "record '" + id + "': keywords must be an array of strings or one string, found " + node.getNodeType());
    }
    long chars = 0;
    for (String k : out) {
      chars += k.length();
    }
    if (chars > options.maxCaptionChars()) {
      throw new RecordProblem(
          SkipReason.CAPTION_TOO_LONG,
          "record '" + id + "' has " + chars + " characters of keywords, more than the limit of " + options.maxCaptionChars());
    }
    return out;
  }

  private static void addKeyword(List<String> out, String k) {
    String s = k.strip();
    if (!s.isEmpty()) {
      out.add(s);
    }
  }

  /** The text of an optional string field: null if absent or JSON null; a non-string is malformed. */
  static String text(JsonNode obj, String field, String id) {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isNumber() && field.equals("id")) {
      return n.asText();
    }
    throw new RecordProblem(
        SkipReason.MALFORMED_RECORD,
        "record" + (id == null ? "" : " '" + id + "'") + ": field '" + field + "' must be a string, found " + n.getNodeType());
  }

  /**
   * An image given as one string: a {@code data:} URI (inline bytes), a URI with a scheme ({@code
   * file:} URIs become paths), or a path, relative ones resolved against {@code baseDir}.
   */
  static ImageRef imageFromString(String s, Path baseDir) {
    String v = s.strip();
    if (v.isEmpty()) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "the image reference is empty");
    }
    if (v.regionMatches(true, 0, "data:", 0, 5)) {
      return ImageRef.ofBytes(dataUri(v));
    }
    if (SCHEME.matcher(v).matches()) {
      URI uri;
      try {
        uri = new URI(v);
      } catch (URISyntaxException e) {
        throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "image URI '" + shorten(v) + "' is malformed: " + e.getReason());
      }
      if ("file".equalsIgnoreCase(uri.getScheme())) {
        try {
          return ImageRef.of(Path.of(uri));
        } catch (IllegalArgumentException e) {
          throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "file URI '" + shorten(v) + "' is not a local path: " + e.getMessage());
        }
      }
      return ImageRef.of(uri);
    }
    return ImageRef.of(path(v, baseDir));
  }

  static Path path(String v, Path baseDir) {
    try {
      Path p = Path.of(v);
      return (p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p)).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "image path '" + shorten(v) + "' is invalid: " + e.getReason());
    }
  }

  static byte[] base64(String v) {
    String s = v.strip();
    if (s.regionMatches(true, 0, "data:", 0, 5)) {
      return dataUri(s);
    }
    try {
      return Base64.getMimeDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "inline image is not valid base64: " + e.getMessage());
    }
  }

  private static byte[] dataUri(String v) {
    int comma = v.indexOf(',');
    if (comma < 0) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "data URI has no ',' before its data");
    }
    String meta = v.substring(5, comma).toLowerCase(Locale.ROOT);
    if (!meta.endsWith(";base64")) {
      throw new RecordProblem(
          SkipReason.BAD_IMAGE_REFERENCE, "data URI '" + shorten(v) + "' is not base64-encoded (';base64' missing)");
    }
    try {
      return Base64.getMimeDecoder().decode(v.substring(comma + 1));
    } catch (IllegalArgumentException e) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "data URI holds invalid base64: " + e.getMessage());
    }
  }

  /** Applies {@link ReadOptions#verifyImages()} to an image reference; returns it unchanged. */
  static ImageRef verified(ImageRef image, String id, ReadOptions options) {
    if (image == null || !options.verifyImages()) {
      return image;
    }
    Optional<String> problem =
        switch (image) {
          case ImageRef.OfPath p -> ImageChecks.checkFile(p.path());
          case ImageRef.OfBytes b -> ImageChecks.check(b.data());
          case ImageRef.OfUri u -> Optional.empty();
          case ImageRef.OfPixels px -> Optional.empty();
        };
    problem.ifPresent(
        p -> {
          throw new RecordProblem(SkipReason.BAD_IMAGE, "image of record '" + id + "' (" + image.describe() + "): " + p);
        });
    return image;
  }

  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
