package dev.vimi.encoder.mllm;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ProviderConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The test bundle written by models/test-encoder/export.py (src/test/resources/test-encoder) and the
 * configurations that use it: late fusion over the real MiniLM from its Maven artifact, and early
 * fusion over the exported toy LM.
 */
final class TestModels {
  private TestModels() {}

  static Path dir() {
    try {
      return Path.of(TestModels.class.getResource("/test-encoder/expected.properties").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String name) {
    return dir().resolve(name);
  }

  static ImageRef image(String name) {
    return ImageRef.of(file(name));
  }

  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A little-endian float32 file written by the export script. */
  static float[] floats(String name) {
    ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  static Properties expected() {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file("expected.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** Late fusion: MiniLM (int8, from the langchain4j artifact) + the exported vision tower, projector, fusion net. */
  static ProviderConfig late(String... extra) {
    Map<String, String> m = new HashMap<>();
    m.put("model.dir", dir().toString());
    m.put("model.lm_preset", "all-minilm-l6-v2-q");
    m.put("model.fusion", "late");
    m.put("model.vision", "vision.onnx");
    m.put("model.projector", "projector_late.onnx");
    m.put("model.fusion_net", "fusion_late.onnx");
    m.put("model.image_size", "32");
    m.put("model.length", "128");
    m.put("model.threads", "1");
    put(m, extra);
    return ProviderConfig.of("encoder mllm (late, MiniLM)", m);
  }

  /** Early fusion: the exported toy LM with inputs_embeds, its tokenizer, the vision tower and projector. */
  static ProviderConfig early(String... extra) {
    Map<String, String> m = new HashMap<>();
    m.put("model.dir", dir().toString());
    m.put("model.fusion", "early");
    m.put("model.tokenizer", "toy_tokenizer.json");
    m.put("model.embeddings", "toy_embed.onnx");
    m.put("model.lm", "toy_lm.onnx");
    m.put("model.vision", "vision.onnx");
    m.put("model.projector", "projector_early.onnx");
    m.put("model.image_size", "32");
    m.put("model.max_tokens", "128");
    m.put("model.length", "96");
    m.put("model.threads", "1");
    put(m, extra);
    return ProviderConfig.of("encoder mllm (early, toy LM)", m);
  }

  private static void put(Map<String, String> m, String[] extra) {
    if (extra.length % 2 != 0) {
      throw new IllegalArgumentException("key/value pairs expected");
    }
    for (int i = 0; i < extra.length; i += 2) {
      if (extra[i + 1] == null) {
        m.remove(extra[i]);
      } else {
        m.put(extra[i], extra[i + 1]);
      }
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    float m = 0f;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
