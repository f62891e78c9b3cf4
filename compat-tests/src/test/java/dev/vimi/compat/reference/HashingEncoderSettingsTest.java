package dev.vimi.compat.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hashing encoder's settings from a model bundle ({@code model.*}) and from direct keys. */
class HashingEncoderSettingsTest {
  private static final MultimodalPrompt FIVE_WORDS = MultimodalPrompt.of(new PromptSegment.Text("one two three four five"));

  private static ConditionEncoder create(Map<String, String> settings) {
    return new HashingConditionEncoderProvider().create(ProviderConfig.of("test", settings));
  }

  @Test
  void aBundleMayAskForTruncationAndADirectKeyWins() {
    try (ConditionEncoder bundle = create(Map.of("model.length", "3", "model.dim", "4", "model.truncate", "true"))) {
      assertThat(bundle.length()).isEqualTo(3);
      assertThat(bundle.dim()).isEqualTo(4);
      // the first 3 of 5 tokens are kept: a full mask
      assertThat(bundle.encode(FIVE_WORDS).mask().toArray()).containsExactly(1f, 1f, 1f);
    }
    try (ConditionEncoder direct = create(Map.of("model.length", "3", "model.truncate", "true", "truncate", "false"))) {
      assertThatThrownBy(() -> direct.encode(FIVE_WORDS))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("5 tokens")
          .hasMessageContaining("at most 3");
    }
  }
}
