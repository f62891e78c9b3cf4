package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_CAPTION;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_ID;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_BYTES;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_KIND;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_REF;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_KEYWORDS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Maps image-text pairs to Vespa document JSON (the {@code fields} object of the document/v1 API)
 * and search hits back to their caption and image. Stateless.
 */
final class VespaDocuments {
  static final String KIND_PATH = "path";
  static final String KIND_URI = "uri";

  private VespaDocuments() {}

  /** The document JSON of a put: {@code {"fields": {...}}}. */
  static String documentJson(ObjectMapper json, ImageTextPair pair) {
    ObjectNode doc = json.createObjectNode();
    ObjectNode fields = doc.putObject("fields");
    fields.put(FIELD_ID, pair.id());
    fields.put(FIELD_CAPTION, pair.caption());
    if (!pair.keywords().isEmpty()) {
      ArrayNode kw = fields.putArray(FIELD_KEYWORDS);
      pair.keywords().forEach(kw::add);
    }
    ImageRef image = pair.image();
    if (image != null) {
      switch (image) {
        case ImageRef.OfPath p -> {
          fields.put(FIELD_IMAGE_KIND, KIND_PATH);
          fields.put(FIELD_IMAGE_REF, p.path().toString());
        }
        case ImageRef.OfUri u -> {
          fields.put(FIELD_IMAGE_KIND, KIND_URI);
          fields.put(FIELD_IMAGE_REF, u.uri().toString());
        }
        case ImageRef.OfBytes b -> fields.put(FIELD_IMAGE_BYTES, Base64.getEncoder().encodeToString(b.data()));
        case ImageRef.OfPixels px ->
            throw new InvalidInputException(
                "image",
                "pair '"
                    + pair.id()
                    + "' holds decoded pixels; the Vespa memory stores an image reference (path or URI) or"
                    + " the encoded bytes (PNG, JPEG, ...). Encode the image, or store it and give its path");
      }
    }
    try {
      return json.writeValueAsString(doc);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The image of a hit's {@code fields}, or null for a text-only pair. */
  static ImageRef image(JsonNode fields, String id) {
    JsonNode bytes = fields.get(FIELD_IMAGE_BYTES);
    if (bytes != null && !bytes.isNull()) {
      try {
        return ImageRef.ofBytes(Base64.getDecoder().decode(bytes.asText()));
      } catch (IllegalArgumentException e) {
        throw new BackendException(
            "hit '" + id + "': field " + FIELD_IMAGE_BYTES + " is not base64 (" + e.getMessage() + ")", e);
      }
    }
    JsonNode ref = fields.get(FIELD_IMAGE_REF);
    if (ref == null || ref.isNull() || ref.asText().isEmpty()) {
      return null;
    }
    String kind = fields.path(FIELD_IMAGE_KIND).asText("");
    String value = ref.asText();
    try {
      return switch (kind) {
        case KIND_PATH -> ImageRef.of(Path.of(value));
        case KIND_URI -> ImageRef.of(new URI(value));
        default -> {
          URI uri = new URI(value);
          yield uri.isAbsolute() ? ImageRef.of(uri) : ImageRef.of(Path.of(value));
        }
      };
    } catch (java.net.URISyntaxException | java.nio.file.InvalidPathException e) {
      throw new BackendException(
          "hit '" + id + "': image reference '" + value + "' is not a valid " + (kind.isEmpty() ? "path or URI" : kind), e);
    }
  }
}
