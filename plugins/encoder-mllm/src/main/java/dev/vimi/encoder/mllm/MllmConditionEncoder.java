package dev.vimi.encoder.mllm;

import dev.vimi.backend.support.DjlOffline;
import dev.vimi.encoder.mllm.internal.EncoderSettings;
import dev.vimi.encoder.mllm.internal.EncoderSettings.Fusion;
import dev.vimi.encoder.mllm.internal.EncoderSettings.Truncation;
import dev.vimi.encoder.mllm.internal.EncodingCache;
import dev.vimi.encoder.mllm.internal.Graph;
import dev.vimi.encoder.mllm.internal.ImagePreprocessor;
import dev.vimi.encoder.mllm.internal.PromptTokenizer;
import dev.vimi.image.ImageLoader;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ViMi condition encoder: a multimodal LLM made of a Hugging Face tokenizer, a vision tower, a
 * projector W and a language model, run on DJL. Create it through {@link MllmEncoderProvider} (name
 * {@code "mllm"}); the configuration keys are listed there.
 *
 * <p><b>Reading a prompt.</b> Text segments are tokenized one by one (without special tokens) and
 * each image gets one slot between them, in the order of the prompt's segments; the tokenizer's
 * special tokens go around the whole sequence. In the <i>text form</i>, where text segments contain
 * {@code <image>} placeholders, the image segments fill the placeholders in order and their counts
 * must match. {@link #layout(MultimodalPrompt)} shows the result.
 *
 * <p><b>Fusion.</b> Each image is decoded, preprocessed ({@link ImagePreprocessor}), run through the
 * vision tower and the projector, and gives P tokens of width D. <i>Early</i> fusion (the paper's
 * layout): the projected tokens replace the embeddings of the image slots in the LM's input
 * embeddings, and the LM's last hidden states are the conditioning. <i>Late</i> fusion (for small
 * text encoders that only take token ids, such as MiniLM): the LM reads the text tokens, the
 * projected tokens are spliced into its hidden-state sequence at the image slots, and a fusion network
 * mixes the two. Either way the result is padded to the fixed length L with a 0/1 mask.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use: the engines run concurrently, the tokenizer is
 * serialised, and the bounded LRU cache of encodings (keyed by a SHA-256 of the prompt's text and
 * image bytes) is synchronised. {@link #close()} waits for encodes in flight and frees the native
 * models; encoding after close is an {@link IllegalStateException}. <b>Ownership.</b> Returned
 * conditionings are immutable and may be shared (the cache hands the same instance to callers asking
 * for the same content); the encoder is closed by whoever created it.
 */
public final class MllmConditionEncoder implements ConditionEncoder {
  private static final Logger LOG = LoggerFactory.getLogger(MllmConditionEncoder.class);

  private static final Graph.Signature TEXT_LM =
      new Graph.Signature(
          List.of("input_ids"),
          List.of("attention_mask", "token_type_ids", "position_ids"),
          List.of("input_ids", "attention_mask", "token_type_ids"),
          "last_hidden_state");
  private static final Graph.Signature EMBEDS_LM =
      new Graph.Signature(
          List.of("inputs_embeds"),
          List.of("attention_mask", "position_ids"),
          List.of("inputs_embeds", "attention_mask"),
          "last_hidden_state");
  private static final Graph.Signature FUSION =
      new Graph.Signature(
          List.of("hidden_states"),
          List.of("attention_mask", "modality_ids"),
          List.of("hidden_states", "attention_mask", "modality_ids"),
          "");

  private final EncoderSettings settings;
  private final PromptTokenizer tokenizer;
  private final Graph lm;
  private final Graph embeddings; // early fusion only
  private final Graph vision; // null for a text-only encoder
  private final Graph projector;
  private final Graph fusionNet; // late fusion only
  private final ImageLoader images;
  private final ImagePreprocessor preprocessor;
  private final EncodingCache cache;
  private final int tokensPerImage;
  private final int dim;
  private final Conditioning empty;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private MllmConditionEncoder(EncoderSettings s, List<AutoCloseable> opened) {
    this.settings = s;
    String owner = s.owner();
    this.tokenizer = track(opened, PromptTokenizer.load(owner, s.tokenizer()));
    if (s.fusion() == Fusion.EARLY) {
      this.embeddings =
          track(opened, Graph.load(owner, "input-embedding", s.embeddings().orElseThrow(), s.engine(), s.threads(), s.spinning(), Graph.Signature.single("input_ids")));
      this.lm = track(opened, Graph.load(owner, "language model", s.lm(), s.engine(), s.threads(), s.spinning(), EMBEDS_LM));
      this.fusionNet = null;
    } else {
      this.embeddings = null;
      this.lm = track(opened, Graph.load(owner, "language model", s.lm(), s.engine(), s.threads(), s.spinning(), TEXT_LM));
      this.fusionNet = track(opened, Graph.load(owner, "fusion network", s.fusionNet().orElseThrow(), s.engine(), s.threads(), s.spinning(), FUSION));
    }
    if (s.vision().isPresent()) {
      this.vision = track(opened, Graph.load(owner, "vision tower", s.vision().get(), s.engine(), s.threads(), s.spinning(), Graph.Signature.single("pixel_values")));
      this.projector =
          track(opened, Graph.load(owner, "projector", s.projector().orElseThrow(), s.engine(), s.threads(), s.spinning(), Graph.Signature.single("image_features")));
    } else {
      this.vision = null;
      this.projector = null;
    }
    this.images = ImageLoader.withMaxPixels(s.maxImagePixels()).namingLimit("max_image_pixels");
    this.preprocessor = new ImagePreprocessor(s.imageSize(), s.mean(), s.std(), s.background());
    this.cache = new EncodingCache(s.cacheSize());

    // probe the graphs once: learn P and D, and check that the widths fit together
    List<TokenLayout.Text> probe = tokenizer.tokenize("a");
    long probeId = probe.isEmpty() ? 0 : probe.get(0).id();
    try {
      int[] dims = probe(s, probeId);
      this.tokensPerImage = dims[0];
      this.dim = dims[1];
    } catch (BackendException e) {
      throw new ConfigurationException(
          owner + ": the graphs do not work together (a test run failed): " + e.getMessage()
              + "; check that model.lm, model.vision, model.projector and model." + (s.fusion() == Fusion.EARLY ? "embeddings" : "fusion_net")
              + " come from one export",
          e);
    }
    this.empty = Conditioning.empty(s.length(), dim);
    LOG.info(
        "{}: mllm encoder ready: {} fusion on {}, tokenizer {}, LM {}, {} tokens per image, L={}, D={}",
        owner,
        s.fusion().name().toLowerCase(Locale.ROOT),
        s.engine().djlName,
        s.tokenizer().describe(),
        s.lm().describe(),
        tokensPerImage,
        s.length(),
        dim);
  }

  /** Runs every graph once on a tiny input; returns {P, D}. */
  private int[] probe(EncoderSettings s, long probeId) {
    String owner = s.owner();
    int lmWidth;
    Graph.Output text;
    if (s.fusion() == Fusion.EARLY) {
      Graph.Output e = embeddings.run(Map.of("input_ids", Graph.Input.of(new long[] {probeId}, 1, 1)));
      lmWidth = e.dim(-1);
      text = runEmbedsLm(e.values(), 1, lmWidth);
      checkWidth(owner, "language model", text.dim(-1), "input-embedding graph", lmWidth);
    } else {
      text = runTextLm(new long[] {probeId});
      lmWidth = text.dim(-1);
    }
    int finalWidth = lmWidth;
    if (fusionNet != null) {
      Graph.Output f = runFusion(text.values(), 1, lmWidth, new long[] {0});
      finalWidth = f.dim(-1);
    }
    int patches = 0;
    if (vision != null) {
      Graph.Output v = vision.run(Map.of("pixel_values", Graph.Input.of(new float[3 * s.imageSize() * s.imageSize()], 1, 3, s.imageSize(), s.imageSize())));
      if (v.shape().length != 3) {
        throw new ConfigurationException(
            owner + ": the vision tower " + s.vision().get().describe() + " returns shape " + shape(v.shape())
                + " but [batch, patches, width] is expected; check model.vision and model.image_size");
      }
      Graph.Output p = projector.run(Map.of("image_features", Graph.Input.of(v.values(), v.shape())));
      checkWidth(owner, "projector (model.projector)", p.dim(-1), s.fusion() == Fusion.EARLY ? "language model's input embeddings" : "language model's hidden states", lmWidth);
      patches = p.dim(1);
    }
    if (s.dim() != 0 && s.dim() != finalWidth) {
      throw new ConfigurationException(
          owner + ": configuration key 'model.dim' is " + s.dim() + " but the " + (fusionNet != null ? "fusion network" : "language model")
              + " returns " + finalWidth + "-wide token states; set model.dim=" + finalWidth + " or leave it out");
    }
    return new int[] {patches, finalWidth};
  }

  /**
   * Opens an encoder for {@code config}; see {@link MllmEncoderProvider} for the keys. Loads every
   * graph and runs each once to check that their widths fit together, so that a wrong bundle fails
   * here and not on the first request.
   *
   * @throws ConfigurationException if a key is missing or wrong, a file does not load, or the graphs
   *     do not fit together
   */
  public static MllmConditionEncoder open(ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    DjlOffline.ensure("mllm encoder");
    EncoderSettings s = EncoderSettings.parse(config);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      return new MllmConditionEncoder(s, opened);
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened.reversed()) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
    opened.add(resource);
    return resource;
  }

  private static void checkWidth(String owner, String what, int got, String against, int expected) {
    if (got != expected) {
      throw new ConfigurationException(
          owner + ": the " + what + " returns " + got + "-wide tokens but the " + against + " are " + expected
              + " wide; the graphs do not belong together (re-export them from one model)");
    }
  }

  // ------------------------------------------------------------------------------------------------
  // the ConditionEncoder contract

  @Override
  public Conditioning encode(MultimodalPrompt prompt) {
    Objects.requireNonNull(prompt, "prompt");
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      List<Unit> units = assemble(prompt);
      List<ImageRef> refs = prompt.images();
      List<LoadedImage> images = new ArrayList<>(refs.size());
      for (int i = 0; i < refs.size(); i++) {
        images.add(load(refs.get(i), i));
      }
      String key = key(units, images);
      Conditioning hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
      Conditioning c = compute(fit(tokenize(units)), images);
      cache.put(key, c);
      return c;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  @Override
  public Conditioning empty() {
    return empty;
  }

  @Override
  public int length() {
    return settings.length();
  }

  @Override
  public int dim() {
    return dim;
  }

  /**
   * The token sequence {@link #encode} builds for {@code prompt}, after the truncation policy: the
   * exact token strings and ids of the text, and a slot per image. Does not run any graph.
   *
   * @throws InvalidInputException for the same prompts {@link #encode} refuses
   */
  public TokenLayout layout(MultimodalPrompt prompt) {
    Objects.requireNonNull(prompt, "prompt");
    lifecycle.readLock().lock();
    try {
      ensureOpen();
      List<Unit> units = assemble(prompt);
      return fit(tokenize(units));
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Tokens each image contributes to the conditioning (P); 0 for a text-only encoder. */
  public int tokensPerImage() {
    return tokensPerImage;
  }

  /** Number of conditionings held by the cache. */
  int cacheSize() {
    return cache.size();
  }

  long cacheHits() {
    return cache.hits();
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      cache.clear();
      for (AutoCloseable c : new AutoCloseable[] {fusionNet, projector, vision, lm, embeddings}) {
        if (c != null) {
          try {
            c.close();
          } catch (Exception e) {
            LOG.warn("{}: closing a graph failed", settings.owner(), e);
          }
        }
      }
      tokenizer.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(settings.owner() + ": the mllm encoder is closed");
    }
  }

  // ------------------------------------------------------------------------------------------------
  // prompt assembly

  /** A piece of the prompt in reading order: text to tokenize, or the slot of image {@code index}. */
  private sealed interface Unit permits TextUnit, ImageUnit {}

  private record TextUnit(String text) implements Unit {}

  private record ImageUnit(int index) implements Unit {}

  /** The bytes (or pixels) of one image. */
  private record LoadedImage(String what, byte[] bytes, ImageRef.OfPixels pixels) {}

  private List<Unit> assemble(MultimodalPrompt prompt) {
    if (prompt.isBlank()) {
      throw new InvalidInputException(
          "prompt", "the prompt is empty: it has no image and no text other than white space; give it some text or an image");
    }
    String ph = PromptSegment.IMAGE_PLACEHOLDER;
    int placeholders = 0;
    if (settings.textPlaceholders()) {
      for (PromptSegment s : prompt.segments()) {
        if (s instanceof PromptSegment.Text t) {
          placeholders += count(t.text(), ph);
        }
      }
    }
    int images = prompt.imageCount();
    if (images > 0 && vision == null) {
      throw new InvalidInputException(
          "prompt",
          "the prompt holds " + images + " image(s) but this encoder has no vision tower (configuration keys model.vision and"
              + " model.projector are not set); remove the images or configure a vision tower");
    }
    List<Unit> units = new ArrayList<>();
    if (placeholders == 0) {
      int next = 0;
      for (PromptSegment s : prompt.segments()) {
        switch (s) {
          case PromptSegment.Text t -> {
            if (!t.text().isBlank()) {
              units.add(new TextUnit(t.text()));
            }
          }
          case PromptSegment.Image i -> units.add(new ImageUnit(next++));
        }
      }
      return units;
    }
    // the text form: "<image>" in the text stands for the next image segment
    if (placeholders != images) {
      throw new InvalidInputException(
          "prompt",
          "the text holds " + placeholders + " '" + ph + "' placeholder(s) but the prompt has " + images
              + " image(s); in the text form each '" + ph + "' stands for the next image segment, so the counts must"
              + " match. Add or remove images or placeholders, or leave '" + ph + "' out of the text and put each image"
              + " segment where the image belongs");
    }
    int next = 0;
    for (PromptSegment s : prompt.segments()) {
      if (s instanceof PromptSegment.Text t) {
        String text = t.text();
        int from = 0;
        while (true) {
          int at = text.indexOf(ph, from);
          String piece = text.substring(from, at < 0 ? text.length() : at);
          if (!piece.isBlank()) {
            units.add(new TextUnit(piece));
          }
          if (at < 0) {
            break;
          }
          units.add(new ImageUnit(next++));
          from = at + ph.length();
        }
      }
    }
    return units;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }

  private TokenLayout tokenize(List<Unit> units) {
    List<TokenLayout.Token> tokens = new ArrayList<>(tokenizer.prefix());
    for (Unit u : units) {
      switch (u) {
        case TextUnit t -> tokens.addAll(tokenizer.tokenize(t.text()));
        case ImageUnit i -> tokens.add(new TokenLayout.ImageSlot(i.index()));
      }
    }
    tokens.addAll(tokenizer.suffix());
    TokenLayout layout = new TokenLayout(tokens, tokensPerImage);
    int content = layout.tokens().size() - tokenizer.prefix().size() - tokenizer.suffix().size();
    if (content == 0) {
      throw new InvalidInputException(
          "prompt", "the prompt's text gives no token with the tokenizer " + tokenizer.source() + " and it holds no image; give it some text");
    }
    return layout;
  }

  /** Applies the length limits: an error with the counts, or truncation at the end. */
  private TokenLayout fit(TokenLayout layout) {
    if (fits(layout)) {
      return layout;
    }
    if (settings.truncation() == Truncation.ERROR) {
      throw new InvalidInputException("prompt", tooLong(layout) + "; shorten the prompt, use fewer images, or set truncation=truncate");
    }
    List<TokenLayout.Token> tokens = new ArrayList<>(layout.tokens());
    int prefix = tokenizer.prefix().size();
    int suffixAt = tokens.size() - tokenizer.suffix().size();
    TokenLayout t = layout;
    while (!fits(t)) {
      suffixAt--;
      if (suffixAt < prefix) {
        throw new InvalidInputException(
            "prompt", tooLong(layout) + ", and truncation leaves nothing: raise max_tokens or length");
      }
      tokens.remove(suffixAt);
      t = new TokenLayout(tokens, tokensPerImage);
    }
    if (tokens.size() == prefix + tokenizer.suffix().size()) {
      throw new InvalidInputException("prompt", tooLong(layout) + ", and truncation leaves no content: raise max_tokens or length");
    }
    LOG.debug("{}: truncated a prompt from {} to {} positions", settings.owner(), layout.expandedLength(), t.expandedLength());
    return t;
  }

  private boolean fits(TokenLayout t) {
    int lmLength = settings.fusion() == Fusion.EARLY ? t.expandedLength() : t.textTokens();
    return lmLength <= settings.maxTokens() && t.expandedLength() <= settings.length();
  }

  private String tooLong(TokenLayout t) {
    int special = tokenizer.prefix().size() + tokenizer.suffix().size();
    String counts =
        t.expandedLength() + " positions (" + (t.textTokens() - special) + " text tokens, " + special + " special tokens, "
            + t.images() + " image(s) x " + tokensPerImage + " image tokens)";
    int lmLength = settings.fusion() == Fusion.EARLY ? t.expandedLength() : t.textTokens();
    if (lmLength > settings.maxTokens()) {
      return "the prompt needs " + (settings.fusion() == Fusion.EARLY ? counts : t.textTokens() + " language-model tokens of " + counts)
          + " but the language model takes at most " + settings.maxTokens() + " (configuration key max_tokens)";
    }
    return "the prompt needs " + counts + " but the conditioning holds " + settings.length() + " (configuration key length)";
  }

  // ------------------------------------------------------------------------------------------------
  // images

  private LoadedImage load(ImageRef ref, int index) {
    String what = "image " + (index + 1) + " (" + ref.describe() + ")";
    int max = settings.maxImageBytes();
    try {
      return switch (ref) {
        case ImageRef.OfBytes b -> new LoadedImage(what, checkBytes(b.data(), what), null);
        case ImageRef.OfPixels p -> new LoadedImage(what, null, p);
        case ImageRef.OfPath p -> {
          long size = Files.size(p.path());
          if (size > max) {
            throw new InvalidInputException("image", what + " has " + size + " bytes, more than the limit of " + max + " (configuration key max_image_bytes)");
          }
          yield new LoadedImage(what, Files.readAllBytes(p.path()), null);
        }
        case ImageRef.OfUri u -> {
          String scheme = u.uri().getScheme() == null ? "" : u.uri().getScheme().toLowerCase(Locale.ROOT);
          if (!scheme.equals("file") && !scheme.equals("jar")) {
            throw new InvalidInputException(
                "image",
                what + " has a '" + scheme + ":' URI; this encoder never downloads: fetch the image yourself and pass"
                    + " its bytes or a path (file: and jar: URIs are read)");
          }
          try (InputStream in = u.uri().toURL().openStream()) {
            byte[] data = in.readNBytes(max + 1);
            yield new LoadedImage(what, checkBytes(data, what), null);
          }
        }
      };
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("image", what + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException("image", what + " cannot be read: " + e, e);
    }
  }

  private byte[] checkBytes(byte[] data, String what) {
    if (data.length > settings.maxImageBytes()) {
      throw new InvalidInputException(
          "image", what + " has more than " + settings.maxImageBytes() + " bytes (configuration key max_image_bytes)");
    }
    return data;
  }

  private float[] pixels(LoadedImage img) {
    ImageRef.OfPixels px = img.pixels != null ? images.readPixels(img.pixels, img.what) : images.decode(img.bytes, img.what);
    return preprocessor.apply(px);
  }

  /** The projected tokens of one image, {@code [P * D]}. */
  private float[] imageTokens(LoadedImage img) {
    int s = settings.imageSize();
    Graph.Output v = vision.run(Map.of("pixel_values", Graph.Input.of(pixels(img), 1, 3, s, s)));
    Graph.Output p = projector.run(Map.of("image_features", Graph.Input.of(v.values(), v.shape())));
    if (p.shape().length != 3 || p.dim(0) != 1 || p.dim(1) != tokensPerImage) {
      throw new BackendException(
          "the projector returned shape " + shape(p.shape()) + " for " + img.what + " but [1, " + tokensPerImage + ", D] is expected");
    }
    return p.values();
  }

  // ------------------------------------------------------------------------------------------------
  // the networks

  private Conditioning compute(TokenLayout layout, List<LoadedImage> images) {
    int n = layout.expandedLength();
    // image tokens, per image index that survives in the layout
    Map<Integer, float[]> imageTokens = new HashMap<>();
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot slot && !imageTokens.containsKey(slot.image())) {
        imageTokens.put(slot.image(), imageTokens(images.get(slot.image())));
      }
    }
    float[] states;
    if (settings.fusion() == Fusion.EARLY) {
      states = early(layout, n, imageTokens);
    } else {
      states = late(layout, n, imageTokens);
    }
    FloatBuffer tokens = Tensor.allocate(settings.length() * dim);
    tokens.put(states, 0, n * dim);
    tokens.clear();
    FloatBuffer mask = Tensor.allocate(settings.length());
    for (int i = 0; i < n; i++) {
      mask.put(i, 1f);
    }
    return new Conditioning(Tensor.wrap(tokens, settings.length(), dim), Tensor.wrap(mask, settings.length()));
  }

  private float[] early(TokenLayout layout, int n, Map<Integer, float[]> imageTokens) {
    long[] ids = new long[n];
    int at = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      switch (t) {
        case TokenLayout.Text x -> ids[at++] = x.id();
        case TokenLayout.ImageSlot s -> at += tokensPerImage; // id 0: the embedding is replaced below
      }
    }
    Graph.Output e = embeddings.run(Map.of("input_ids", Graph.Input.of(ids, 1, n)));
    int width = e.dim(-1);
    float[] embeds = e.values();
    at = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot s) {
        System.arraycopy(imageTokens.get(s.image()), 0, embeds, at * width, tokensPerImage * width);
        at += tokensPerImage;
      } else {
        at++;
      }
    }
    Graph.Output h = runEmbedsLm(embeds, n, width);
    return checkStates(h, n, "language model");
  }

  private float[] late(TokenLayout layout, int n, Map<Integer, float[]> imageTokens) {
    long[] ids = new long[layout.textTokens()];
    int k = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.Text x) {
        ids[k++] = x.id();
      }
    }
    Graph.Output h = runTextLm(ids);
    int width = h.dim(-1);
    float[] text = h.values();
    float[] spliced = new float[n * width];
    long[] modality = new long[n];
    int at = 0;
    k = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot s) {
        System.arraycopy(imageTokens.get(s.image()), 0, spliced, at * width, tokensPerImage * width);
        for (int i = 0; i < tokensPerImage; i++) {
          modality[at + i] = 1;
        }
        at += tokensPerImage;
      } else {
        System.arraycopy(text, k * width, spliced, at * width, width);
        k++;
        at++;
      }
    }
    Graph.Output f = runFusion(spliced, n, width, modality);
    return checkStates(f, n, "fusion network");
  }

  private float[] checkStates(Graph.Output out, int n, String what) {
    long[] s = out.shape();
    if (s.length != 3 || s[0] != 1 || s[1] != n || s[2] != dim) {
      throw new BackendException(
          "the " + what + " returned shape " + shape(s) + " but [1, " + n + ", " + dim + "] is expected");
    }
    return out.values();
  }

  private Graph.Output runTextLm(long[] ids) {
    int n = ids.length;
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("input_ids", Graph.Input.of(ids, 1, n));
    in.put("attention_mask", Graph.Input.of(filled(n, 1), 1, n));
    in.put("token_type_ids", Graph.Input.of(new long[n], 1, n));
    in.put("position_ids", Graph.Input.of(positions(n), 1, n));
    return lm.run(in);
  }

  private Graph.Output runEmbedsLm(float[] embeds, int n, int width) {
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("inputs_embeds", Graph.Input.of(embeds, 1, n, width));
    in.put("attention_mask", Graph.Input.of(filled(n, 1), 1, n));
    in.put("position_ids", Graph.Input.of(positions(n), 1, n));
    return lm.run(in);
  }

  private Graph.Output runFusion(float[] states, int n, int width, long[] modality) {
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("hidden_states", Graph.Input.of(states, 1, n, width));
    in.put("attention_mask", Graph.Input.of(filled(n, 1), 1, n));
    in.put("modality_ids", Graph.Input.of(modality, 1, n));
    return fusionNet.run(in);
  }

  private static long[] filled(int n, long v) {
    long[] a = new long[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static long[] positions(int n) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static String shape(long[] s) {
    return java.util.Arrays.toString(s);
  }

  // ------------------------------------------------------------------------------------------------
  // the cache key

  private static String key(List<Unit> units, List<LoadedImage> images) {
    MessageDigest md = sha256();
    ByteBuffer b = ByteBuffer.allocate(16);
    for (Unit u : units) {
      switch (u) {
        case TextUnit t -> {
          byte[] s = t.text().getBytes(StandardCharsets.UTF_8);
          md.update(b.clear().put((byte) 'T').putInt(s.length).flip());
          md.update(s);
        }
        case ImageUnit i -> {
          LoadedImage img = images.get(i.index());
          if (img.bytes != null) {
            md.update(b.clear().put((byte) 'I').putInt(img.bytes.length).flip());
            md.update(sha256().digest(img.bytes));
          } else {
            int[] argb = img.pixels.argb();
            md.update(b.clear().put((byte) 'P').putInt(img.pixels.width()).putInt(img.pixels.height()).flip());
            ByteBuffer px = ByteBuffer.allocate(argb.length * 4);
            px.asIntBuffer().put(argb);
            md.update(px);
          }
        }
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
