package dev.vimi.cli;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --retriever vespa --endpoint URL} options of the memory commands: the memory is a Vespa
 * cluster with the vimi application package (see plugins/retriever-vespa/README.md), reached through the
 * retriever provider named {@value Memories#VESPA}.
 */
final class VespaMemory {
  private VespaMemory() {}

  /**
   * Whether the options select Vespa; refuses combinations that do not make sense, and a retriever name
   * that no installed provider answers to (with the registry's message, which lists those present).
   *
   * @param retriever the {@code --retriever} value
   * @param endpoint the {@code --endpoint} value, or null
   * @param memory the {@code --memory} value, or null
   */
  static boolean selected(String retriever, String endpoint, Path memory) {
    switch (retriever.toLowerCase(Locale.ROOT)) {
      case "lucene" -> {
        if (endpoint != null) {
          throw new ConfigurationException("--endpoint is for --retriever vespa; a Lucene memory is a folder (--memory DIR)");
        }
        return false;
      }
      case "vespa" -> {
        if (endpoint == null) {
          throw new ConfigurationException(
              "--retriever vespa needs --endpoint URL, the Vespa container cluster, e.g. --endpoint http://localhost:8080");
        }
        if (memory != null) {
          throw new ConfigurationException("--memory is a Lucene folder; with --retriever vespa the memory is the cluster at --endpoint");
        }
        return true;
      }
      default -> {
        // any other installed retriever: found by name, configured with --retriever-config KEY=VALUE
        Memories.provider(retriever); // the registry's error, listing the retrievers present, if it is not
        if (endpoint != null) {
          throw new ConfigurationException("--endpoint is for --retriever vespa; configure retriever '" + retriever + "' with --retriever-config KEY=VALUE");
        }
        if (memory != null) {
          throw new ConfigurationException(
              "--memory is a Lucene folder; configure retriever '" + retriever + "' with --retriever-config KEY=VALUE");
        }
        return false;
      }
    }
  }

  static ProviderConfig config(String endpoint) {
    return config(endpoint, System.getenv());
  }

  /**
   * The provider configuration: the endpoint, and credentials from the environment variables the Vespa
   * CLI uses, so that a shell set up for {@code vespa query} works here too: {@code
   * VESPA_CLI_DATA_PLANE_TOKEN} (bearer token), {@code VESPA_CLI_DATA_PLANE_CERT_FILE} and {@code
   * VESPA_CLI_DATA_PLANE_KEY_FILE} (mTLS), {@code VESPA_TLS_CA_CERT} (CA file to trust).
   */
  static ProviderConfig config(String endpoint, Map<String, String> env) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("endpoint", endpoint);
    Map<String, String> fromEnv =
        Map.of(
            "VESPA_CLI_DATA_PLANE_TOKEN", "auth.token",
            "VESPA_CLI_DATA_PLANE_CERT_FILE", "tls.certificate",
            "VESPA_CLI_DATA_PLANE_KEY_FILE", "tls.private-key",
            "VESPA_TLS_CA_CERT", "tls.ca-certificates");
    if (endpoint.startsWith("https:")) {
      fromEnv.forEach(
          (var, key) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
              m.put(key, v);
            }
          });
    }
    return ProviderConfig.of("retriever " + Memories.VESPA, m);
  }
}
