package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ProviderTest {

  @Test
  void theProviderIsFoundByNameThroughServiceLoader() {
    ConditionEncoderProvider found = null;
    for (ConditionEncoderProvider p : ServiceLoader.load(ConditionEncoderProvider.class)) {
      if (p.name().equals("mllm")) {
        found = p;
      }
    }
    assertThat(found).isInstanceOf(MllmEncoderProvider.class);
    assertThat(found.name()).matches("[a-z0-9]+(-[a-z0-9]+)*");
    assertThat(found.description()).contains("DJL");
  }

  @Test
  void theBundleSettingsArriveAsModelKeysAndBareKeysOverrideThem() {
    // model.length=128 from the "bundle", length=40 from the operator
    try (ConditionEncoder e = new MllmEncoderProvider().create(TestModels.early("length", "40"))) {
      assertThat(e.length()).isEqualTo(40);
      assertThat(e.dim()).isEqualTo(64);
      assertThat(e.encode(MultimodalPrompt.of(PromptSegment.text("a cat"))).tokens().shape()).containsExactly(40, 64);
    }
  }
}
