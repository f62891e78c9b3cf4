package dev.vimi.encoder.mllm.internal;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.vimi.encoder.mllm.TokenLayout;
import dev.vimi.spi.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Hugging Face {@code tokenizer.json} (through DJL's binding of the Rust tokenizers library) used
 * the way the encoder needs it: every text segment is tokenized on its own without special tokens,
 * and the special tokens the tokenizer's post-processor adds around a single sequence ({@code [CLS]}
 * ... {@code [SEP]} for BERT-style tokenizers) are learnt once, from a probe, and put around the whole
 * prompt. Image slots stand between segments; the tokenizer never sees a placeholder, so it need not
 * know one.
 *
 * <p>The tokenizer's own truncation and padding settings are switched off: the encoder applies its
 * own policy with its own error messages. Thread-safe (calls into the native tokenizer are
 * serialised; they take microseconds). Closing frees the native tokenizer.
 */
public final class PromptTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final String source;
  private final List<TokenLayout.Text> prefix;
  private final List<TokenLayout.Text> suffix;
  private final ReentrantLock lock = new ReentrantLock();

  private PromptTokenizer(HuggingFaceTokenizer tokenizer, String source) {
    this.tokenizer = tokenizer;
    this.source = source;
    Encoding probe = tokenizer.encode("a", true, false);
    long[] ids = probe.getIds();
    String[] pieces = probe.getTokens();
    long[] special = probe.getSpecialTokenMask();
    int first = 0;
    while (first < ids.length && special[first] != 0) {
      first++;
    }
    int last = ids.length;
    while (last > first && special[last - 1] != 0) {
      last--;
    }
    List<TokenLayout.Text> p = new ArrayList<>();
    for (int i = 0; i < first; i++) {
      p.add(new TokenLayout.Text(ids[i], pieces[i], true));
    }
    List<TokenLayout.Text> s = new ArrayList<>();
    for (int i = last; i < ids.length; i++) {
      s.add(new TokenLayout.Text(ids[i], pieces[i], true));
    }
    this.prefix = List.copyOf(p);
    this.suffix = List.copyOf(s);
  }

  /** Loads a tokenizer.json; a file that does not parse is a {@link ConfigurationException} saying so. */
  public static PromptTokenizer load(String owner, ModelResource resource) {
    Map<String, String> options = Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
    HuggingFaceTokenizer t;
    try (InputStream in = resource.open()) {
      t = HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException e) {
      throw new ConfigurationException(
          owner + ": cannot read the tokenizer " + resource.describe() + " (configuration key '" + resource.key() + "'): "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          owner + ": the tokenizer " + resource.describe() + " (configuration key '" + resource.key()
              + "') is not a valid Hugging Face tokenizer.json: " + e.getMessage()
              + "; point the key at the tokenizer.json that belongs to the language model",
          e);
    }
    try {
      return new PromptTokenizer(t, resource.describe());
    } catch (RuntimeException e) {
      t.close();
      throw new ConfigurationException(
          owner + ": the tokenizer " + resource.describe() + " loaded but cannot tokenize: " + e.getMessage(), e);
    }
  }

  /** Special tokens the post-processor puts before a sequence (e.g. {@code [CLS]}). */
  public List<TokenLayout.Text> prefix() {
    return prefix;
  }

  /** Special tokens the post-processor puts after a sequence (e.g. {@code [SEP]}). */
  public List<TokenLayout.Text> suffix() {
    return suffix;
  }

  /** The tokens of one text segment, without special tokens. */
  public List<TokenLayout.Text> tokenize(String text) {
    Encoding e;
    lock.lock();
    try {
      e = tokenizer.encode(text, false, false);
    } finally {
      lock.unlock();
    }
    long[] ids = e.getIds();
    String[] pieces = e.getTokens();
    List<TokenLayout.Text> out = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      out.add(new TokenLayout.Text(ids[i], pieces[i], false));
    }
    return out;
  }

  /** Where the tokenizer was loaded from, for messages. */
  public String source() {
    return source;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      tokenizer.close();
    } finally {
      lock.unlock();
    }
  }
}
