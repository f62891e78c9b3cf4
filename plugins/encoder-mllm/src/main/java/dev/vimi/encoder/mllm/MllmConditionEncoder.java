package dev.vimi.encoder.mllm;

import dev.vimi.backend.support.DjlOffline;
import dev.vimi.encoder.mllm.internal.ContentKey;
import dev.vimi.encoder.mllm.internal.EncoderSettings;
import dev.vimi.encoder.mllm.internal.EncodingCache;
import dev.vimi.encoder.mllm.internal.FusionStrategy;
import dev.vimi.encoder.mllm.internal.ImageInputs;
import dev.vimi.encoder.mllm.internal.LayoutBuilder;
import dev.vimi.encoder.mllm.internal.LoadedImage;
import dev.vimi.encoder.mllm.internal.Opened;
import dev.vimi.encoder.mllm.internal.PromptTokenizer;
import dev.vimi.encoder.mllm.internal.PromptUnit;
import dev.vimi.encoder.mllm.internal.VisionPath;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
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
 * <p><b>Fusion.</b> Each image is decoded, preprocessed (alpha composited over model.background,
 * resized and centre-cropped to model.image_size, normalised), run through the vision tower and the
 * projector, and gives P tokens of width D. <i>Early</i> fusion (the paper's layout): the projected
 * tokens replace the embeddings of the image slots in the LM's input embeddings, and the LM's last
 * hidden states are the conditioning. <i>Late</i> fusion (for small text encoders that only take
 * token ids, such as MiniLM): the LM reads the text tokens, the projected tokens are spliced into its
 * hidden-state sequence at the image slots, and a fusion network mixes the two. Either way the result
 * is padded to the fixed length L with a 0/1 mask.
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

  private final EncoderSettings settings;
  private final PromptTokenizer tokenizer;
  private final FusionStrategy fusion;
  private final VisionPath vision;
  private final ImageInputs images;
  private final EncodingCache cache;
  private final int tokensPerImage;
  private final int dim;
  private final LayoutBuilder layouts;
  private final Conditioning empty;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private MllmConditionEncoder(EncoderSettings s, Opened opened) {
    this.settings = s;
    String owner = s.owner();
    this.tokenizer = opened.track(PromptTokenizer.load(owner, s.tokenizer()));
    this.fusion = FusionStrategy.open(s, opened); // its graphs are tracked one by one
    this.vision = VisionPath.open(s, opened);
    this.images = new ImageInputs(s);
    this.cache = new EncodingCache(s.cacheSize());

    // probe the graphs once: learn P and D, and check that the widths fit together
    List<TokenLayout.Text> probe = tokenizer.tokenize("a");
    long probeId = probe.isEmpty() ? 0 : probe.get(0).id();
    FusionStrategy.Widths widths;
    try {
      widths = fusion.probe(owner, probeId);
      this.tokensPerImage = vision.probe(owner, widths.languageModel(), fusion.imageTokenTarget());
    } catch (BackendException e) {
      throw new ConfigurationException(
          owner + ": the graphs do not work together (a test run failed): " + e.getMessage()
              + "; check that model.lm, model.vision, model.projector and model." + fusion.ownGraphKey()
              + " come from one export",
          e);
    }
    this.dim = widths.output();
    if (s.dim() != 0 && s.dim() != dim) {
      throw new ConfigurationException(
          owner + ": configuration key 'model.dim' is " + s.dim() + " but the " + fusion.outputGraph()
              + " returns " + dim + "-wide token states; set model.dim=" + dim + " or leave it out");
    }
    this.layouts = new LayoutBuilder(s, tokenizer, fusion, tokensPerImage);
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

  /** {@link #open(ProviderConfig, ProviderContext)} without a model bundle. */
  public static MllmConditionEncoder open(ProviderConfig config) {
    return open(config, ProviderContext.none());
  }

  /**
   * Opens an encoder for the operator's {@code config} and a model bundle's {@code context} (its
   * encoder settings and the folder its file names are relative to); see {@link MllmEncoderProvider}
   * for the keys. Checks every key first, then loads every
   * graph and runs each once to check that their widths fit together, so that a wrong bundle fails
   * here and not on the first request.
   *
   * @throws ConfigurationException if a key is missing or wrong, a file does not load, or the graphs
   *     do not fit together
   */
  public static MllmConditionEncoder open(ProviderConfig config, ProviderContext context) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(context, "context");
    EncoderSettings s = EncoderSettings.parse(config, context);
    DjlOffline.ensure("mllm encoder");
    Opened opened = new Opened();
    try {
      return new MllmConditionEncoder(s, opened);
    } catch (RuntimeException e) {
      throw opened.closeAll(e);
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
      List<PromptUnit> units = PromptUnit.read(prompt, settings.textPlaceholders(), vision.present());
      List<ImageRef> refs = prompt.images();
      List<LoadedImage> loaded = new ArrayList<>(refs.size());
      for (int i = 0; i < refs.size(); i++) {
        loaded.add(images.load(refs.get(i), i));
      }
      String key = ContentKey.of(units, loaded);
      Conditioning hit = cache.get(key);
      if (hit != null) {
        return hit;
      }
      Conditioning c = compute(layouts.build(units), loaded);
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
      return layouts.build(PromptUnit.read(prompt, settings.textPlaceholders(), vision.present()));
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
      for (AutoCloseable c : new AutoCloseable[] {vision, fusion}) {
        try {
          c.close();
        } catch (Exception e) {
          LOG.warn("{}: closing a graph failed", settings.owner(), e);
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

  /** Runs the graphs for a fitted layout and pads the states to L with a 0/1 mask. */
  private Conditioning compute(TokenLayout layout, List<LoadedImage> loaded) {
    int n = layout.expandedLength();
    // image tokens, per image index that survives in the layout
    Map<Integer, float[]> imageTokens = new HashMap<>();
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot slot && !imageTokens.containsKey(slot.image())) {
        LoadedImage img = loaded.get(slot.image());
        imageTokens.put(slot.image(), vision.imageTokens(images.pixels(img), img.what(), tokensPerImage));
      }
    }
    float[] states = fusion.states(layout, imageTokens, dim);
    FloatBuffer tokens = Tensor.allocate(settings.length() * dim);
    tokens.put(states, 0, n * dim);
    tokens.clear();
    FloatBuffer mask = Tensor.allocate(settings.length());
    for (int i = 0; i < n; i++) {
      mask.put(i, 1f);
    }
    return new Conditioning(Tensor.wrap(tokens, settings.length(), dim), Tensor.wrap(mask, settings.length()));
  }
}
