package dev.vimi.retriever.vespa.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the human-readable message from Vespa's error bodies: the query API's {@code
 * root.errors[]} ({@code code}, {@code summary}, {@code message}) and the document API's {@code
 * message}; anything else (a proxy's HTML page, plain text) is shortened and quoted. Stateless.
 */
final class VespaErrors {
  private static final int EXCERPT = 300;

  private VespaErrors() {}

  static String message(ObjectMapper json, byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    try {
      JsonNode node = json.readTree(body);
      if (node != null && node.isObject()) {
        List<String> errors = errors(node.path("root").path("errors"));
        if (!errors.isEmpty()) {
          return String.join("; ", errors);
        }
        if (node.path("message").isTextual()) {
          return node.get("message").asText();
        }
      }
    } catch (java.io.IOException e) {
      // not JSON: quote it below
    }
    return excerpt(body);
  }

  /** Each error of a {@code root.errors} array as {@code "summary: message (code N)"}. */
  static List<String> errors(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array.isArray()) {
      for (JsonNode e : array) {
        StringBuilder sb = new StringBuilder();
        String summary = e.path("summary").asText("");
        String message = e.path("message").asText("");
        sb.append(summary);
        if (!message.isEmpty() && !message.equals(summary)) {
          sb.append(sb.isEmpty() ? "" : ": ").append(message);
        }
        if (e.has("code")) {
          sb.append(" (code ").append(e.get("code").asText()).append(')');
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  static String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    String s = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return s.length() <= EXCERPT ? "'" + s + "'" : "'" + s.substring(0, EXCERPT) + "...' (" + body.length + " bytes)";
  }
}
