package dev.vimi.spi;

import java.util.Objects;

/**
 * The conditioning C a condition encoder produces for one prompt: a fixed-length sequence of token
 * states and a mask that says which positions hold content. Immutable.
 *
 * @param tokens token states, shape {@code [L, D]}
 * @param mask 1 for a real position, 0 for padding, shape {@code [L]}; an all-zero mask is the
 *     empty ("unconditional") conditioning used for classifier-free guidance
 */
public record Conditioning(Tensor tokens, Tensor mask) {
  public Conditioning {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(mask, "mask");
    if (tokens.rank() != 2) {
      throw new InvalidInputException("conditioning", "tokens must have shape [L, D] but have " + tokens);
    }
    if (mask.rank() != 1 || mask.dim(0) != tokens.dim(0)) {
      throw new InvalidInputException(
          "conditioning", "mask must have shape [" + tokens.dim(0) + "] to match tokens " + tokens + " but has " + mask);
    }
    int bad = tokens.firstNonFinite();
    if (bad >= 0) {
      throw new InvalidInputException("conditioning", "token states hold a non-finite value at flat index " + bad);
    }
  }

  /** Sequence length L. */
  public int length() {
    return tokens.dim(0);
  }

  /** Token dimension D. */
  public int dim() {
    return tokens.dim(1);
  }

  /** Number of positions whose mask is non-zero. */
  public int validTokens() {
    int n = 0;
    for (int i = 0; i < mask.size(); i++) {
      if (mask.get(i) != 0f) {
        n++;
      }
    }
    return n;
  }

  /** The empty conditioning of the given size: zeros, mask all zero. */
  public static Conditioning empty(int length, int dim) {
    return new Conditioning(Tensor.zeros(length, dim), Tensor.zeros(length));
  }
}
