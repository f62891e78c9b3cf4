package dev.vimi.encoder.mllm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The token sequence an {@link MllmConditionEncoder} builds for a prompt, before image slots are
 * expanded: the tokenizer's special tokens, the word pieces of every text segment, and one {@link
 * ImageSlot} where each image stands. Each image slot becomes {@link #tokensPerImage()} positions in
 * the conditioning (the projected patch features of that image).
 *
 * <p>This is what a golden test asserts and what a user inspects to see how a prompt was read. It is
 * computed by {@link MllmConditionEncoder#layout(dev.vimi.spi.MultimodalPrompt)}. Immutable.
 *
 * @param tokens the sequence in reading order
 * @param tokensPerImage positions each image slot expands to
 */
public record TokenLayout(List<Token> tokens, int tokensPerImage) {

  /** The id {@link #ids()} reports for an image slot. */
  public static final long IMAGE_SLOT_ID = -1;

  /** The string {@link #strings()} reports for an image slot. */
  public static final String IMAGE_SLOT = "<image>";

  public TokenLayout {
    tokens = List.copyOf(Objects.requireNonNull(tokens, "tokens"));
  }

  /** One position of the layout. */
  public sealed interface Token permits Text, ImageSlot {}

  /**
   * A token of the tokenizer's vocabulary.
   *
   * @param id the vocabulary id
   * @param piece the token string, e.g. {@code "##ing"}
   * @param special true for tokens the tokenizer's post-processor adds ({@code [CLS]}, {@code [SEP]})
   */
  public record Text(long id, String piece, boolean special) implements Token {
    public Text {
      Objects.requireNonNull(piece, "piece");
    }
  }

  /**
   * The place of an image.
   *
   * @param image index of the image among the prompt's images, from 0
   */
  public record ImageSlot(int image) implements Token {}

  /** The token strings, with {@link #IMAGE_SLOT} for image slots. */
  public List<String> strings() {
    List<String> out = new ArrayList<>(tokens.size());
    for (Token t : tokens) {
      out.add(
          switch (t) {
            case Text x -> x.piece();
            case ImageSlot i -> IMAGE_SLOT;
          });
    }
    return out;
  }

  /** The token ids, with {@link #IMAGE_SLOT_ID} for image slots. */
  public List<Long> ids() {
    List<Long> out = new ArrayList<>(tokens.size());
    for (Token t : tokens) {
      out.add(
          switch (t) {
            case Text x -> x.id();
            case ImageSlot i -> IMAGE_SLOT_ID;
          });
    }
    return out;
  }

  /** Number of vocabulary tokens, special ones included. */
  public int textTokens() {
    return (int) tokens.stream().filter(Text.class::isInstance).count();
  }

  /** Number of image slots. */
  public int images() {
    return (int) tokens.stream().filter(ImageSlot.class::isInstance).count();
  }

  /** Length of the conditioning this layout fills: text tokens plus every image's tokens. */
  public int expandedLength() {
    return textTokens() + images() * tokensPerImage;
  }
}
