package dev.vimi.encoder.mllm.internal;

import dev.vimi.encoder.mllm.TokenLayout;
import dev.vimi.encoder.mllm.internal.EncoderSettings.Truncation;
import dev.vimi.spi.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a prompt's units into its {@link TokenLayout}: the tokenizer's special tokens around the
 * tokens of each text unit, one slot per image, then the length limits (model.max_tokens on what the
 * language model reads, as the fusion mode counts it; model.length on all positions), refused with
 * the counts or cut at the end (truncation=truncate). Thread-safe (the tokenizer serialises its own
 * calls); does not own the tokenizer.
 */
public final class LayoutBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(LayoutBuilder.class);

  private final String owner;
  private final PromptTokenizer tokenizer;
  private final FusionStrategy fusion;
  private final Truncation truncation;
  private final int maxTokens;
  private final int length;
  private final int tokensPerImage;

  public LayoutBuilder(EncoderSettings s, PromptTokenizer tokenizer, FusionStrategy fusion, int tokensPerImage) {
    this.owner = s.owner();
    this.tokenizer = tokenizer;
    this.fusion = fusion;
    this.truncation = s.truncation();
    this.maxTokens = s.maxTokens();
    this.length = s.length();
    this.tokensPerImage = tokensPerImage;
  }

  /**
   * The layout of {@code units}, within the limits.
   *
   * @throws InvalidInputException if the text gives no token, or the prompt is too long and
   *     truncation is off or would leave nothing
   */
  public TokenLayout build(List<PromptUnit> units) {
    return fit(tokenize(units));
  }

  private TokenLayout tokenize(List<PromptUnit> units) {
    List<TokenLayout.Token> tokens = new ArrayList<>(tokenizer.prefix());
    for (PromptUnit u : units) {
      switch (u) {
        case PromptUnit.TextUnit t -> tokens.addAll(tokenizer.tokenize(t.text()));
        case PromptUnit.ImageUnit i -> tokens.add(new TokenLayout.ImageSlot(i.index()));
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
    if (truncation == Truncation.ERROR) {
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
    LOG.debug("{}: truncated a prompt from {} to {} positions", owner, layout.expandedLength(), t.expandedLength());
    return t;
  }

  private boolean fits(TokenLayout t) {
    return fusion.languageModelLength(t) <= maxTokens && t.expandedLength() <= length;
  }

  private String tooLong(TokenLayout t) {
    int special = tokenizer.prefix().size() + tokenizer.suffix().size();
    String counts =
        t.expandedLength() + " positions (" + (t.textTokens() - special) + " text tokens, " + special + " special tokens, "
            + t.images() + " image(s) x " + tokensPerImage + " image tokens)";
    if (fusion.languageModelLength(t) > maxTokens) {
      return "the prompt needs " + fusion.languageModelNeeds(t, counts)
          + " but the language model takes at most " + maxTokens + " (configuration key max_tokens)";
    }
    return "the prompt needs " + counts + " but the conditioning holds " + length + " (configuration key length)";
  }
}
