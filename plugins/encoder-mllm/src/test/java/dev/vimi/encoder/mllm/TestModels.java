package dev.vimi.encoder.mllm;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
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

  /**
   * An operator's configuration and a model bundle's context, as the pipeline hands them to the
   * encoder. In the extras of {@link #late} and {@link #early}, a key {@code model.<key>} is a bundle
   * setting (as the encoder's messages cite it) and a bare key is the operator's; a null value removes it.
   */
  record Setup(ProviderConfig config, ProviderContext context) {}

  static MllmConditionEncoder open(Setup s) {
    return MllmConditionEncoder.open(s.config(), s.context());
  }

  static ConditionEncoder create(Setup s) {
    return new MllmEncoderProvider().create(s.config(), s.context());
  }

  /** Late fusion: MiniLM (int8, from the langchain4j artifact) + the exported vision tower, projector, fusion net. */
  static Setup late(String... extra) {
    Map<String, String> m = new HashMap<>();
    m.put("lm_preset", "all-minilm-l6-v2-q");
    m.put("fusion", "late");
    m.put("vision", "vision.onnx");
    m.put("projector", "projector_late.onnx");
    m.put("fusion_net", "fusion_late.onnx");
    m.put("image_size", "32");
    m.put("length", "128");
    m.put("threads", "1");
    return setup("encoder mllm (late, MiniLM)", m, extra);
  }

  /** Early fusion: the exported toy LM with inputs_embeds, its tokenizer, the vision tower and projector. */
  static Setup early(String... extra) {
    Map<String, String> m = new HashMap<>();
    m.put("fusion", "early");
    m.put("tokenizer", "toy_tokenizer.json");
    m.put("embeddings", "toy_embed.onnx");
    m.put("lm", "toy_lm.onnx");
    m.put("vision", "vision.onnx");
    m.put("projector", "projector_early.onnx");
    m.put("image_size", "32");
    m.put("max_tokens", "128");
    m.put("length", "96");
    m.put("threads", "1");
    return setup("encoder mllm (early, toy LM)", m, extra);
  }

  private static Setup setup(String owner, Map<String, String> bundle, String[] extra) {
    if (extra.length % 2 != 0) {
      throw new IllegalArgumentException("key/value pairs expected");
    }
    Map<String, String> operator = new HashMap<>();
    for (int i = 0; i < extra.length; i += 2) {
      boolean fromBundle = extra[i].startsWith("model.");
      Map<String, String> m = fromBundle ? bundle : operator;
      String key = fromBundle ? extra[i].substring("model.".length()) : extra[i];
      if (extra[i + 1] == null) {
        m.remove(key);
      } else {
        m.put(key, extra[i + 1]);
      }
    }
    return new Setup(ProviderConfig.of(owner, operator), ProviderContext.ofBundle(dir(), bundle));
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
