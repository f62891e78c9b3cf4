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
  void threadingKnobsChangeNothingButSpeed() {
    MultimodalPrompt p =
        MultimodalPrompt.of(PromptSegment.text("a"), PromptSegment.image(TestModels.image("rgba.png")), PromptSegment.text("runs"));
    float[] reference;
    try (ConditionEncoder e = TestModels.create(TestModels.early())) {
      reference = e.encode(p).tokens().toArray();
    }
    try (ConditionEncoder e = TestModels.create(TestModels.early("threads", "2", "spinning", "true"))) {
      float[] other = e.encode(p).tokens().toArray();
      org.assertj.core.api.Assertions.assertThat(TestModels.maxAbsDiff(other, reference)).isLessThanOrEqualTo(1e-5f);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestModels.create(TestModels.early("spinning", "maybe")))
        .hasMessageContaining("'spinning' must be true or false but is 'maybe'");
  }

  @Test
  void theBundleSettingsArriveInTheContextAndOperatorKeysOverrideThem() {
    // model.length=128 from the "bundle", length=40 from the operator
    try (ConditionEncoder e = TestModels.create(TestModels.early("length", "40"))) {
      assertThat(e.length()).isEqualTo(40);
      assertThat(e.dim()).isEqualTo(64);
      assertThat(e.encode(MultimodalPrompt.of(PromptSegment.text("a cat"))).tokens().shape()).containsExactly(40, 64);
    }
  }

  @Test
  void misspeltKeysAreRefusedFromTheOperatorOrTheBundle() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestModels.create(TestModels.early("imgae_size", "32")))
        .isInstanceOf(dev.vimi.spi.ConfigurationException.class)
        .hasMessageContaining("unknown key 'imgae_size'; did you mean 'image_size'? known: [")
        .hasMessageNotContaining("model.image_size");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestModels.create(TestModels.early("model.cache.size", "8")))
        .hasMessageStartingWith("encoder mllm (early, toy LM) (model bundle " + TestModels.dir())
        .hasMessageContaining("unknown key 'cache.size'; did you mean 'cache_size'?");
    // the reserved keys of old are refused, pointing at the one they meant
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new MllmEncoderProvider().create(dev.vimi.spi.ProviderConfig.of("encoder mllm", java.util.Map.of("model.lm", "x.onnx"))))
        .hasMessageContaining("encoder mllm: unknown key 'model.lm'; did you mean 'lm'?")
        .hasMessageContaining("ProviderContext");
    try (ConditionEncoder e = TestModels.create(TestModels.early("model.vision.pytorch", "vision.pt", "cache_size", "4"))) {
      assertThat(e.length()).as("engine-specific file keys are known keys").isPositive();
    }
  }
}
