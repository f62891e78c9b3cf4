package dev.vimi.memory.formats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.nio.file.Path;
import java.util.List;

/** Turns one JSON object into a pair: the record layout of JSONL lines and of JSON sidecars. */
final class JsonPairs {
  private static final List<String> IMAGE_FIELDS = List.of("image", "image_path", "image_uri", "image_base64");

  private final ObjectReader reader;

  JsonPairs() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.reader = mapper.reader();
  }

  /** Parses one JSON object; anything else is a malformed record. */
  JsonNode parseObject(String json) {
    JsonNode node;
    try {
      node = reader.readTree(json);
    } catch (JsonProcessingException e) {
      throw new RecordProblem(SkipReason.MALFORMED_RECORD, "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new RecordProblem(
          SkipReason.MALFORMED_RECORD,
          "expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType().toString()));
    }
    return node;
  }

  /**
   * The pair of a JSONL record.
   *
   * @param baseDir directory against which relative image paths are resolved
   */
  static ImageTextPair jsonlPair(JsonNode obj, Path baseDir, ReadOptions options) {
    String id = Records.id(Records.text(obj, "id", null));
    String caption = Records.caption(captionText(obj, id), id, options);
    List<String> keywords = Records.keywords(obj.get("keywords"), id, options);
    ImageRef image = Records.verified(image(obj, id, baseDir), id, options);
    return new ImageTextPair(id, caption, keywords, image);
  }

  /**
   * The pair of a JSON sidecar next to an image (folder or shard): the image is given, the id
   * defaults to {@code defaultId}.
   */
  static ImageTextPair sidecarPair(JsonNode obj, String defaultId, ImageRef image, ReadOptions options) {
    String given = Records.text(obj, "id", defaultId);
    String id = Records.id(given == null ? defaultId : given);
    String caption = Records.caption(captionText(obj, id), id, options);
    List<String> keywords = Records.keywords(obj.get("keywords"), id, options);
    return new ImageTextPair(id, caption, keywords, Records.verified(image, id, options));
  }

  private static String captionText(JsonNode obj, String id) {
    String caption = Records.text(obj, "caption", id);
    if (caption == null) {
      caption = Records.text(obj, "text", id);
    }
    return caption;
  }

  private static ImageRef image(JsonNode obj, String id, Path baseDir) {
    String field = null;
    for (String f : IMAGE_FIELDS) {
      JsonNode n = obj.get(f);
      if (n != null && !n.isNull()) {
        if (field != null) {
          throw new RecordProblem(
              SkipReason.BAD_IMAGE_REFERENCE, "record '" + id + "' has both '" + field + "' and '" + f + "'; give one image");
        }
        field = f;
      }
    }
    if (field == null) {
      return null;
    }
    JsonNode n = obj.get(field);
    if (field.equals("image") && n.isObject()) {
      return imageObject(n, id, baseDir);
    }
    if (!n.isTextual()) {
      throw new RecordProblem(
          SkipReason.BAD_IMAGE_REFERENCE, "record '" + id + "': '" + field + "' must be a string, found " + n.getNodeType());
    }
    String v = n.asText();
    return switch (field) {
      case "image" -> Records.imageFromString(v, baseDir);
      case "image_path" -> ImageRef.of(Records.path(v, baseDir));
      case "image_uri" -> Records.imageFromString(v, baseDir);
      default -> ImageRef.ofBytes(Records.base64(v));
    };
  }

  /** {@code {"path": ...}}, {@code {"uri": ...}} or {@code {"base64": ...}}: the shape vimi writes. */
  private static ImageRef imageObject(JsonNode n, String id, Path baseDir) {
    if (n.size() != 1) {
      throw new RecordProblem(
          SkipReason.BAD_IMAGE_REFERENCE,
          "record '" + id + "': an image object holds exactly one of 'path', 'uri', 'base64', found " + n.size() + " fields");
    }
    String key = n.fieldNames().next();
    JsonNode v = n.get(key);
    if (!v.isTextual()) {
      throw new RecordProblem(SkipReason.BAD_IMAGE_REFERENCE, "record '" + id + "': image." + key + " must be a string");
    }
    return switch (key) {
      case "path" -> ImageRef.of(Records.path(v.asText(), baseDir));
      case "uri" -> Records.imageFromString(v.asText(), baseDir);
      case "base64" -> ImageRef.ofBytes(Records.base64(v.asText()));
      default ->
          throw new RecordProblem(
              SkipReason.BAD_IMAGE_REFERENCE,
              "record '" + id + "': unknown image field '" + key + "'; use 'path', 'uri' or 'base64'");
    };
  }
}
