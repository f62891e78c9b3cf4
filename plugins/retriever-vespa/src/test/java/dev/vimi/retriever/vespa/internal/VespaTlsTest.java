package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.internal.VespaTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mTLS and bearer tokens against a loopback HTTPS fake with self-signed certificates made in the
 * test: the feed (h2 over TLS with ALPN) and the query API both authenticate, and a missing or
 * untrusted certificate is a clear error.
 */
class VespaTlsTest {
  private static final String TOKEN = "vespa_cloud_TOKEN_s3cr3t_9f8e7d6c";
  @TempDir static Path dir;
  static TestPki.Identity server;
  static TestPki.Identity client;
  static TestPki.Identity stranger;
  static FakeVespa mtls;
  static FakeVespa tokenOnly;
  private final VespaRetrieverProvider provider = new VespaRetrieverProvider();

  @BeforeAll
  static void start() throws Exception {
    server = TestPki.create(dir, "server", "CN=localhost", "EC", "dns:localhost,ip:127.0.0.1");
    client = TestPki.create(dir, "client", "CN=vimi-client", "EC", null);
    stranger = TestPki.create(dir, "stranger", "CN=stranger", "EC", null);
    mtls = FakeVespa.startTls(server.keyStore(), TestPki.PASSWORD, TestPki.trustStore(client.certificate()));
    tokenOnly = FakeVespa.startTls(server.keyStore(), TestPki.PASSWORD, null);
    tokenOnly.requiredToken = TOKEN;
  }

  @AfterAll
  static void stop() throws Exception {
    mtls.close();
    tokenOnly.close();
  }

  private static ProviderConfig mtlsConfig(TestPki.Identity who) {
    return config(
        mtls,
        "tls.certificate", who.certPem().toString(),
        "tls.private-key", who.keyPem().toString(),
        "tls.ca-certificates", server.certPem().toString(),
        "retry.max-attempts", "2");
  }

  @Test
  void mutualTlsFeedsAndQueries() {
    try (MemoryWriter w = provider.openWriter(mtlsConfig(client))) {
      VespaTestSupport.pairs(5, "m").forEach(w::add);
    }
    try (Retriever r = provider.open(mtlsConfig(client))) {
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("caption number 4 of m", 1));
      assertThat(hits).extracting(RetrievedItem::id).containsExactly("m4");
    }
    assertThat(mtls.documentCount()).isEqualTo(5);
    // HTTP/2 negotiated with ALPN, for the feed client and for the query client alike
    assertThat(mtls.calls()).isNotEmpty().allSatisfy(c -> assertThat(c.httpVersion()).isEqualTo("HTTP/2.0"));
  }

  @Test
  void aMissingClientCertificateIsAClearTlsError() {
    ProviderConfig noCert = config(mtls, "tls.ca-certificates", server.certPem().toString(), "retry.max-attempts", "2");
    try (Retriever r = provider.open(noCert)) {
      assertRefusedClientCertificate(() -> r.retrieve(new RetrievalQuery("caption", 1)));
    }
    assertRefusedClientCertificate(() -> provider.openWriter(noCert));
  }

  /**
   * Under TLS 1.3 the server refuses a client certificate after the handshake, so the client sees
   * either the TLS alert or, when it was already sending, a broken pipe; both messages say what to fix.
   */
  private static void assertRefusedClientCertificate(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOf(BackendException.class)
        .hasMessageContaining(mtls.endpoint().toString())
        .hasMessageContaining("set tls.certificate and tls.private-key")
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf(
                        "TLS handshake with " + mtls.endpoint() + " failed: (certificate_required)",
                        "TLS handshake with " + mtls.endpoint() + " failed: (bad_certificate)",
                        "TLS handshake with " + mtls.endpoint() + " failed: (certificate_unknown)",
                        "over https this is also how a server that refuses the client certificate can show"));
  }

  @Test
  void aCertificateTheServerDoesNotTrustIsAClearTlsError() {
    try (Retriever r = provider.open(mtlsConfig(stranger))) {
      assertRefusedClientCertificate(() -> r.retrieve(new RetrievalQuery("caption", 1)));
    }
  }

  @Test
  void anUntrustedServerCertificateIsAClearTlsError() {
    ProviderConfig noCa =
        config(mtls, "tls.certificate", client.certPem().toString(), "tls.private-key", client.keyPem().toString());
    try (Retriever r = provider.open(noCa)) {
      assertThatThrownBy(() -> r.retrieve(new RetrievalQuery("caption", 1)))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("TLS handshake with " + mtls.endpoint() + " failed")
          .hasMessageContaining("set tls.ca-certificates");
    }
  }

  @Test
  void bearerTokenFeedsAndQueriesAndIsNeverShown() throws Exception {
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    ProviderConfig cfg = config(tokenOnly, "tls.ca-certificates", server.certPem().toString(), "auth.token-file", tokenFile.toString());
    try (MemoryWriter w = provider.openWriter(cfg)) {
      VespaTestSupport.pairs(3, "t").forEach(w::add);
      assertThat(w.toString()).doesNotContain(TOKEN);
    }
    assertThatThrownBy(() -> provider.open(cfg.with("auth.token", TOKEN)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("either 'auth.token' or 'auth.token-file'")
        .hasMessageNotContaining(TOKEN);
    ProviderConfig inline = config(tokenOnly, "tls.ca-certificates", server.certPem().toString(), "auth.token", TOKEN);
    try (Retriever r = provider.open(inline)) {
      assertThat(r.retrieve(new RetrievalQuery("caption number 2 of t", 1))).extracting(RetrievedItem::id).containsExactly("t2");
    }
    assertThat(tokenOnly.calls()).allSatisfy(c -> assertThat(c.header("authorization")).isEqualTo("Bearer " + TOKEN));
    assertThat(inline.toString()).doesNotContain(TOKEN);
    assertThat(VespaSettings.from(inline).toString()).doesNotContain(TOKEN);

    // a wrong token: refused, and the message names the problem without echoing the token
    ProviderConfig wrong = config(tokenOnly, "tls.ca-certificates", server.certPem().toString(), "auth.token", "wrong-" + TOKEN);
    try (Retriever r = provider.open(wrong)) {
      assertThatThrownBy(() -> r.retrieve(new RetrievalQuery("caption", 1)))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("auth.token")
          .hasMessageNotContaining(TOKEN);
    }
    assertThatThrownBy(() -> provider.openWriter(wrong)).isInstanceOf(BackendException.class).hasMessageNotContaining(TOKEN);

    // nothing this JVM logged holds the token (slf4j-simple writes to the file set in the pom)
    Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/vespa-tests.log"));
    assertThat(log).exists();
    assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("feeding vimi_pair documents").doesNotContain(TOKEN);
  }
}
