package dev.vimi.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one choice rule behind every discovery path (vimi-api's registry, video-io's writers, the compat runner). */
class ProviderLookupTest {
  /** A provider that is nothing but a name and a rank: all the rule looks at. */
  record Named(String name, int priority) implements NamedProvider {}

  /** The same, from another class, so that a tie names two classes. */
  record Other(String name, int priority) implements NamedProvider {}

  @Test
  void theHighestPriorityAmongThoseThatMatchWins() {
    List<NamedProvider> all = List.of(new Named("a", 0), new Other("a", 5), new Named("b", 9));
    assertThat(ProviderLookup.choose("task", all, p -> p.name().equals("a"), "the name 'a'")).contains(new Other("a", 5));
    assertThat(ProviderLookup.choose("task", all, p -> p.name().equals("c"), "the name 'c'")).isEmpty();
    assertThat(ProviderLookup.byName("task", all, "b")).isEqualTo(new Named("b", 9));
  }

  @Test
  void aTieAtTheTopNamesEveryTiedClassAndWhereItCameFrom() {
    List<NamedProvider> tie = List.of(new Named("a", 1), new Other("a", 1), new Named("a", 0));
    assertThatThrownBy(() -> ProviderLookup.byName("denoiser", tie, "a"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Several denoiser providers answer to the name 'a' with the same priority 1:\n  ")
        .hasMessageContaining(Named.class.getName() + " from " + ProviderLookup.source(tie.get(0)))
        .hasMessageContaining(Other.class.getName() + " from ")
        .hasMessageEndingWith("\nRemove one of these jars, or give one a higher priority().");
    // a tie below the winner is no error
    assertThat(ProviderLookup.byName("denoiser", List.of(new Named("a", 0), new Other("a", 0), new Named("a", 2)), "a"))
        .isEqualTo(new Named("a", 2));
  }

  @Test
  void anUnknownNameListsThePresentOnes() {
    assertThatThrownBy(() -> ProviderLookup.byName("retriever", List.of(new Named("vespa", 0), new Named("lucene", 0)), "lucen"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "No retriever provider named 'lucen'. Available: [lucene, vespa]. If the provider you want is not listed, "
                + "add its jar to the module path (or class path); if it is listed under another name, use that name.");
  }

  @Test
  void namesFollowTheRule() {
    ProviderLookup.checkName("task", new Named("gaussian-oracle2", 0));
    for (String bad : new String[] {"Onnx", "a--b", "-a", "2a", "a_b", ""}) {
      assertThatThrownBy(() -> ProviderLookup.checkName("task", new Named(bad, 0)))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("has the invalid name '" + bad + "'")
          .hasMessageContaining(Named.class.getName());
    }
  }

  @Test
  void extensions() {
    assertThat(ProviderLookup.extension("a.MP4")).isEqualTo("mp4");
    assertThat(ProviderLookup.extension(".hidden")).isEmpty();
    assertThat(ProviderLookup.extension("trailing.")).isEmpty();
    assertThat(ProviderLookup.extension("archive.tar.gz")).isEqualTo("gz");
  }
}
