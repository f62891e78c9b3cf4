package dev.vimi.api;

import dev.vimi.compat.reference.HashingConditionEncoderProvider;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;

/** The oracles' conditioning shift: the masked mean of C[:, 0] of the hashing encoder. */
final class Shifts {
  private Shifts() {}

  static double of(String text) {
    return of(PromptSegment.text(text));
  }

  static double of(PromptSegment... segments) {
    Conditioning c = new HashingConditionEncoderProvider().create(ProviderConfig.empty("t")).encode(MultimodalPrompt.of(segments));
    double sum = 0;
    int n = 0;
    for (int t = 0; t < c.length(); t++) {
      if (c.mask().get(t) != 0) {
        sum += c.tokens().get(t * c.dim());
        n++;
      }
    }
    return sum / n;
  }
}
