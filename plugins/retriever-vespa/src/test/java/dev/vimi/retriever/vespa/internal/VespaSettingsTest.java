package dev.vimi.retriever.vespa.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, and a clear message for each mistake. */
class VespaSettingsTest {
  @TempDir Path dir;

  private static VespaSettings settings(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return VespaSettings.from(ProviderConfig.of("retriever vespa", m));
  }

  private static void refused(String expected, String... kv) {
    assertThatThrownBy(() -> settings(kv))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("retriever vespa: ")
        .hasMessageContaining(expected);
  }

  @Test
  void defaults() {
    VespaSettings s = settings("endpoint", "http://localhost:8080/");
    assertThat(s.queryEndpoint()).isEqualTo(URI.create("http://localhost:8080"));
    assertThat(s.feedEndpoint()).isEqualTo(s.queryEndpoint());
    assertThat(s.namespace()).isEqualTo("vimi");
    assertThat(s.documentType()).isEqualTo("vimi_pair");
    assertThat(s.rankProfile()).isEqualTo("bm25");
    assertThat(s.composite()).isEqualTo("or");
    assertThat(s.queryTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.maxInFlight()).isEqualTo(8);
    assertThat(s.allowPartialResults()).isFalse();
    assertThat(s.retry()).isEqualTo(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(10)));
    assertThat(s.feed().retries()).isEqualTo(100);
    assertThat(s.feed().grace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.feed().doom()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.feed().maxFailures()).isEqualTo(1000);
    assertThat(s.auth().customTls()).isFalse();
    assertThat(s.auth().token()).isNull();
  }

  @Test
  void separateQueryAndFeedEndpoints() {
    VespaSettings s = settings("query-endpoint", "https://q.example.org", "feed-endpoint", "https://f.example.org:4443");
    assertThat(s.queryEndpoint()).isEqualTo(URI.create("https://q.example.org"));
    assertThat(s.feedEndpoint()).isEqualTo(URI.create("https://f.example.org:4443"));
  }

  @Test
  void endpointMistakes() {
    refused("missing configuration key 'endpoint'");
    refused("must be an http:// or https:// URL with a host", "endpoint", "localhost:8080");
    refused("must be an http:// or https:// URL with a host", "endpoint", "ftp://example.org");
    refused("without a path such as /search/", "endpoint", "http://localhost:8080/search/");
    refused("is not a URL", "endpoint", "http://local host:8080");
  }

  @Test
  void unknownKeysAreTypos() {
    refused("unknown key 'timeout'", "endpoint", "http://localhost:8080", "timeout", "5");
  }

  @Test
  void rangesAndNames() {
    refused("'query.max-in-flight' is 0 but must be in [1, 1024]", "endpoint", "http://h:1", "query.max-in-flight", "0");
    refused("'retry.max-attempts' must be an integer but is 'many'", "endpoint", "http://h:1", "retry.max-attempts", "many");
    refused("Vespa names are ASCII letters", "endpoint", "http://h:1", "document-type", "vimi-pair");
    refused("'query.composite' is 'OR'", "endpoint", "http://h:1", "query.composite", "OR");
    refused("must not be smaller than retry.initial-backoff-ms", "endpoint", "http://h:1", "retry.initial-backoff-ms", "500", "retry.max-backoff-ms", "100");
    refused("feed.doom-ms (100) must not be smaller than feed.grace-ms (200)", "endpoint", "http://h:1", "feed.grace-ms", "200", "feed.doom-ms", "100");
    refused("use auto, none or gzip", "endpoint", "http://h:1", "feed.compression", "zstd");
  }

  @Test
  void credentialMistakes() throws Exception {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path token = Files.writeString(dir.resolve("token"), "abc\n");
    refused("only tls.certificate is set", "endpoint", "https://h:1", "tls.certificate", cert.toString());
    refused("is not a readable file", "endpoint", "https://h:1", "tls.ca-certificates", dir.resolve("nope.pem").toString());
    refused("only sent over https", "endpoint", "http://h:1", "auth.token", "abc");
    refused("only sent over https", "endpoint", "http://h:1", "tls.ca-certificates", cert.toString());
    refused("holds spaces or control characters", "endpoint", "https://h:1", "auth.token", "abc def");
    refused("either 'auth.token' or 'auth.token-file'", "endpoint", "https://h:1", "auth.token", "abc", "auth.token-file", token.toString());
    assertThat(settings("endpoint", "https://h:1", "auth.token-file", token.toString()).auth().token()).isEqualTo("abc");
  }

  @Test
  void toStringNeverShowsTheToken() {
    VespaSettings s = settings("endpoint", "https://h:1", "auth.token", "very-secret-token-value");
    assertThat(s.toString()).doesNotContain("very-secret-token-value").contains("token=<hidden>");
    assertThat(s.auth().toString()).doesNotContain("very-secret-token-value");
  }

  @Test
  void backoffGrowsWithJitterAndHonoursRetryAfter() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(1000));
    for (int i = 0; i < 200; i++) {
      assertThat(p.delay(1, null).toMillis()).isBetween(50L, 100L);
      assertThat(p.delay(3, null).toMillis()).isBetween(200L, 400L);
      assertThat(p.delay(10, null).toMillis()).isBetween(500L, 1000L);
      assertThat(p.delay(1, Duration.ofMillis(700)).toMillis()).isEqualTo(700L);
      assertThat(p.delay(1, Duration.ofSeconds(30)).toMillis()).isEqualTo(1000L);
    }
  }
}
