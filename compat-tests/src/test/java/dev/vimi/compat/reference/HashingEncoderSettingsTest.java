package dev.vimi.compat.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hashing encoder's settings from a model bundle (the context's section) and from the operator's keys. */
class HashingEncoderSettingsTest {
  private static final MultimodalPrompt FIVE_WORDS = MultimodalPrompt.of(new PromptSegment.Text("one two three four five"));

  private static ConditionEncoder create(Map<String, String> keys, Map<String, String> bundleSettings) {
    return new HashingConditionEncoderProvider()
        .create(ProviderConfig.of("encoder hashing", keys), ProviderContext.ofBundle(Path.of("bundle"), bundleSettings));
  }

  @Test
  void aBundleMayAskForTruncationAndAnOperatorKeyWins() {
    try (ConditionEncoder bundle = create(Map.of(), Map.of("length", "3", "dim", "4", "truncate", "true"))) {
      assertThat(bundle.length()).isEqualTo(3);
      assertThat(bundle.dim()).isEqualTo(4);
      // the first 3 of 5 tokens are kept: a full mask
      assertThat(bundle.encode(FIVE_WORDS).mask().toArray()).containsExactly(1f, 1f, 1f);
    }
    try (ConditionEncoder direct = create(Map.of("truncate", "false"), Map.of("length", "3", "truncate", "true"))) {
      assertThatThrownBy(() -> direct.encode(FIVE_WORDS))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("5 tokens")
          .hasMessageContaining("at most 3");
    }
  }

  @Test
  void aTypoInTheBundleIsRefusedAsTheBundles() {
    assertThatThrownBy(() -> create(Map.of(), Map.of("lenght", "3")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("encoder hashing (model bundle bundle")
        .hasMessageContaining("unknown key 'lenght'; did you mean 'length'? known: [dim, length, truncate]");
  }

  @Test
  void theOldReservedKeysAreNoLongerReadButRefused() {
    assertThatThrownBy(() -> create(Map.of("model.length", "3"), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("encoder hashing: unknown key 'model.length'; did you mean 'length'?");
  }
}
