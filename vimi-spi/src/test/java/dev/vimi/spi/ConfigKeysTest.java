package dev.vimi.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
  private static final List<String> LUCENE =
      List.of("index.dir", "k1", "b", "analyzer", "commit.every", "commit.interval.seconds", "ram.buffer.mb");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "k1_typo, k1",
    "analyser, analyzer",
    "Analyzer, analyzer",
    "commit-every, commit.every",
    "commit_interval_seconds, commit.interval.seconds",
    "index, index.dir",
    "ram.bufer.mb, ram.buffer.mb",
    "kl, k1",
    "retriever.index.dir, index.dir",
    "model.k1, k1",
  })
  void suggestsTheKeyATypoMeant(String typo, String meant) {
    assertThat(ConfigKeys.suggest(typo, LUCENE)).contains(meant);
  }

  @Test
  void suggestsNothingForAKeyFarFromEveryKnownOne() {
    assertThat(ConfigKeys.suggest("endpoint", LUCENE)).isEmpty();
    assertThat(ConfigKeys.suggest("x", LUCENE)).isEmpty();
  }

  @Test
  void theMessageNamesOwnerKeySuggestionAndKnownKeys() {
    ProviderConfig c = ProviderConfig.of("retriever lucene", Map.of("index.dir", "m", "k1_typo", "1.2"));
    assertThatThrownBy(() -> c.requireKnownKeys(LUCENE))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "retriever lucene: unknown key 'k1_typo'; did you mean 'k1'? known: [analyzer, b, commit.every,"
                + " commit.interval.seconds, index.dir, k1, ram.buffer.mb]");
  }

  @Test
  void withoutASuggestionTheKnownKeysStillShow() {
    ProviderConfig c = ProviderConfig.of("retriever lucene", Map.of("endpoint", "http://x"));
    assertThatThrownBy(() -> c.requireKnownKeys(LUCENE))
        .hasMessageStartingWith("retriever lucene: unknown key 'endpoint'; known: [analyzer,");
  }

  @Test
  void ignoredKeysAndKnownKeysPass() {
    ProviderConfig c = ProviderConfig.of("pipeline", Map.of("k1", "1", "denoiser.device", "cpu"));
    assertThat(c.requireKnownKeys(LUCENE, k -> k.startsWith("denoiser."))).isSameAs(c);
    assertThatThrownBy(() -> c.requireKnownKeys(LUCENE)).hasMessageContaining("unknown key 'denoiser.device'");
  }

  @Test
  void aReservedModelKeyOfOldIsRefusedWithWhereBundleFactsLiveNow() {
    ProviderConfig c = ProviderConfig.of("denoiser onnx", Map.of("model.dir", "/m"));
    assertThatThrownBy(() -> c.requireKnownKeys(List.of("device", "threads")))
        .hasMessageStartingWith("denoiser onnx: unknown key 'model.dir'; known: [device, threads]")
        .hasMessageContaining("ProviderContext");
  }

  @Test
  void distanceCountsATranspositionAsOneEdit() {
    assertThat(ConfigKeys.distance("denosier", "denoiser")).isEqualTo(1);
    assertThat(ConfigKeys.distance("retriver", "retriever")).isEqualTo(1);
    assertThat(ConfigKeys.distance("", "abc")).isEqualTo(3);
  }
}
