package dev.vimi.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderContextTest {

  @Test
  void noneHasNoBundleAndResolvesAgainstTheWorkingDirectory() {
    ProviderContext c = ProviderContext.none();
    assertThat(c.modelDir()).isEmpty();
    assertThat(c.section()).isEmpty();
    assertThat(c.resources().resolve("lm.onnx")).isEqualTo(Path.of("lm.onnx"));
  }

  @Test
  void aBundleResolvesRelativeNamesAgainstItsFolderAndKeepsAbsoluteOnes() {
    Path dir = Path.of("/models/tiny").toAbsolutePath();
    ProviderContext c = ProviderContext.ofBundle(dir, Map.of("length", "8"));
    assertThat(c.modelDir()).contains(dir);
    assertThat(c.resources().resolve("enc/lm.onnx")).isEqualTo(dir.resolve("enc/lm.onnx"));
    Path elsewhere = Path.of("/elsewhere/lm.onnx").toAbsolutePath();
    assertThat(c.resources().resolve(elsewhere.toString())).isEqualTo(elsewhere);
  }

  @Test
  void theSectionIsACopyAndItsConfigurationNamesTheBundle() {
    Map<String, String> section = new HashMap<>(Map.of("length", "8"));
    ProviderContext c = ProviderContext.ofBundle(Path.of("/m"), section);
    section.put("dim", "4");
    assertThat(c.section()).containsOnlyKeys("length");
    assertThatThrownBy(() -> c.sectionConfig("encoder hashing").requireKnownKeys(List.of("lenght", "dim")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("encoder hashing (model bundle " + Path.of("/m") + ", its manifest's section")
        .hasMessageContaining("unknown key 'length'; did you mean 'lenght'?");
  }

  @Test
  void aDefaultFactoryRefusesABundleSectionItWouldDrop() {
    ConditionEncoderProvider p =
        new ConditionEncoderProvider() {
          @Override
          public String name() {
            return "plain";
          }

          @Override
          public ConditionEncoder create(ProviderConfig config) {
            throw new AssertionError("must not be reached");
          }
        };
    assertThatThrownBy(() -> p.create(ProviderConfig.empty("encoder plain"), ProviderContext.ofBundle(Path.of("/m"), Map.of("length", "8"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("encoder 'plain'")
        .hasMessageContaining("[length]");
  }
}
