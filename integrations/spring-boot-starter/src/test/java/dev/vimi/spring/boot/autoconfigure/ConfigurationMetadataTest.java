package dev.vimi.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata IDEs complete {@code vimi.*} keys from: Spring's processor writes the
 * starter's own keys and merges the pipeline keys of additional-spring-configuration-metadata.json into
 * META-INF/spring-configuration-metadata.json of the jar.
 */
class ConfigurationMetadataTest {

  private static Map<String, JsonNode> properties() throws IOException {
    try (InputStream in = VimiProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("META-INF/spring-configuration-metadata.json of the starter").isNotNull();
      Map<String, JsonNode> out = new TreeMap<>();
      new ObjectMapper().readTree(in).get("properties").forEach(p -> out.put(p.get("name").asText(), p));
      return out;
    }
  }

  @Test
  void everyTopLevelPipelineKeyAndEveryStarterKeyIsDocumented() throws IOException {
    Map<String, JsonNode> props = properties();
    // the top-level keys VimiPipeline.Builder.configure reads, and the starter's own
    for (String key :
        new String[] {
          "vimi.model", "vimi.denoiser", "vimi.encoder", "vimi.retriever", "vimi.task", "vimi.retrieval.k",
          "vimi.denoiser.device", "vimi.retriever.index.dir", "vimi.retriever.endpoint",
          "vimi.enabled", "vimi.config-file", "vimi.observations.log-prompt"
        }) {
      assertThat(props).as("metadata of %s", key).containsKey(key);
      assertThat(props.get(key).path("description").asText()).as("description of %s", key).isNotBlank();
    }
    assertThat(props.get("vimi.enabled").path("defaultValue").asBoolean()).isTrue();
  }
}
