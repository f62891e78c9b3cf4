package dev.vimi.retriever.vespa.internal;

import dev.vimi.retriever.vespa.VespaApplicationPackage;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The configuration of the Vespa retriever and writer, read and checked once from a {@link
 * ProviderConfig}. Every key is listed in {@code plugins/retriever-vespa/README.md}. Immutable.
 *
 * <p>Secrets (the bearer token) are held in {@link Auth}, whose {@code toString} hides them.
 */
record VespaSettings(
    URI queryEndpoint,
    URI feedEndpoint,
    String namespace,
    String documentType,
    String rankProfile,
    String composite,
    Duration queryTimeout,
    Duration connectTimeout,
    int maxInFlight,
    boolean allowPartialResults,
    RetryPolicy retry,
    Feed feed,
    Auth auth) {

  /** Keys this provider understands; anything else is a typo and refused. */
  static final Set<String> KEYS =
      Set.of(
          "endpoint",
          "query-endpoint",
          "feed-endpoint",
          "namespace",
          "document-type",
          "rank-profile",
          "query.composite",
          "query.timeout-ms",
          "query.max-in-flight",
          "query.allow-partial-results",
          "connect-timeout-ms",
          "retry.max-attempts",
          "retry.initial-backoff-ms",
          "retry.max-backoff-ms",
          "feed.connections",
          "feed.max-streams",
          "feed.timeout-ms",
          "feed.retries",
          "feed.grace-ms",
          "feed.doom-ms",
          "feed.compression",
          "feed.max-failures",
          "tls.certificate",
          "tls.private-key",
          "tls.ca-certificates",
          "auth.token",
          "auth.token-file");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Settings of the feed through vespa-feed-client. */
  record Feed(
      int connections,
      int maxStreams,
      Duration operationTimeout,
      int retries,
      Duration grace,
      Duration doom,
      String compression,
      int maxFailures) {}

  /**
   * Credentials: an mTLS client certificate and key (PEM files), the CA certificates to trust (PEM
   * file, else the JVM's trust store), and a bearer token (Vespa Cloud data-plane token).
   */
  record Auth(Path certificate, Path privateKey, Path caCertificates, String token) {
    boolean mutualTls() {
      return certificate != null;
    }

    boolean customTls() {
      return certificate != null || caCertificates != null;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
      return "Auth[certificate="
          + certificate
          + ", privateKey="
          + privateKey
          + ", caCertificates="
          + caCertificates
          + ", token="
          + (token == null ? "none" : "<hidden>")
          + "]";
    }
  }

  static VespaSettings from(ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    URI endpoint = config.get("endpoint").map(v -> endpoint(config, "endpoint", v)).orElse(null);
    URI query = config.get("query-endpoint").map(v -> endpoint(config, "query-endpoint", v)).orElse(endpoint);
    URI feed = config.get("feed-endpoint").map(v -> endpoint(config, "feed-endpoint", v)).orElse(endpoint);
    if (query == null || feed == null) {
      throw new ConfigurationException(
          config.owner()
              + ": missing configuration key 'endpoint'; set it to the URL of the Vespa container cluster,"
              + " e.g. http://localhost:8080 or https://<app>.<tenant>.aws-us-east-1c.z.vespa-app.cloud"
              + " (present keys: "
              + config.keys()
              + ")");
    }
    String namespace = name(config, "namespace", "vimi");
    String documentType = name(config, "document-type", VespaApplicationPackage.DOCUMENT_TYPE);
    String rankProfile = config.getString("rank-profile", "bm25").trim();
    if (!Pattern.matches("[A-Za-z0-9_-]+", rankProfile)) {
      throw new ConfigurationException(
          config.owner() + ": configuration key 'rank-profile' is '" + rankProfile + "'; use a rank profile name");
    }
    String composite = config.getString("query.composite", "or").trim();
    if (!Set.of("or", "weakAnd", "and").contains(composite)) {
      throw new ConfigurationException(
          config.owner()
              + ": configuration key 'query.composite' is '"
              + composite
              + "' but must be or (every pair with any query word, as BM25 in Lucene), weakAnd (faster,"
              + " approximate top-K for very large memories) or and (pairs with every query word)");
    }
    Duration queryTimeout = millis(config, "query.timeout-ms", 5_000, 1, 600_000);
    Duration connectTimeout = millis(config, "connect-timeout-ms", 10_000, 1, 600_000);
    int maxInFlight = config.getInt("query.max-in-flight", 8, 1, 1024);
    boolean partial = config.getBoolean("query.allow-partial-results", false);
    int attempts = config.getInt("retry.max-attempts", 5, 1, 100);
    Duration initialBackoff = millis(config, "retry.initial-backoff-ms", 100, 1, 600_000);
    Duration maxBackoff = millis(config, "retry.max-backoff-ms", 10_000, 1, 3_600_000);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigurationException(
          config.owner()
              + ": retry.max-backoff-ms ("
              + maxBackoff.toMillis()
              + ") must not be smaller than retry.initial-backoff-ms ("
              + initialBackoff.toMillis()
              + ")");
    }
    Duration grace = millis(config, "feed.grace-ms", 10_000, 0, 3_600_000);
    Duration doom = millis(config, "feed.doom-ms", 60_000, 1, 3_600_000);
    if (doom.compareTo(grace) < 0) {
      throw new ConfigurationException(
          config.owner()
              + ": feed.doom-ms ("
              + doom.toMillis()
              + ") must not be smaller than feed.grace-ms ("
              + grace.toMillis()
              + "): the circuit breaker first probes (half-open) and only then gives up (open)");
    }
    String compression = config.getString("feed.compression", "auto").trim().toLowerCase(Locale.ROOT);
    if (!Set.of("auto", "none", "gzip").contains(compression)) {
      throw new ConfigurationException(
          config.owner() + ": configuration key 'feed.compression' is '" + compression + "'; use auto, none or gzip");
    }
    Feed feedSettings =
        new Feed(
            config.getInt("feed.connections", 4, 1, 256),
            config.getInt("feed.max-streams", 128, 1, 4096),
            millis(config, "feed.timeout-ms", 120_000, 1, 3_600_000),
            config.getInt("feed.retries", 100, 0, Integer.MAX_VALUE),
            grace,
            doom,
            compression,
            config.getInt("feed.max-failures", 1000, 0, Integer.MAX_VALUE));
    Auth auth = auth(config, query, feed);
    return new VespaSettings(
        query,
        feed,
        namespace,
        documentType,
        rankProfile,
        composite,
        queryTimeout,
        connectTimeout,
        maxInFlight,
        partial,
        new RetryPolicy(attempts, initialBackoff, maxBackoff),
        feedSettings,
        auth);
  }

  private static Auth auth(ProviderConfig config, URI query, URI feed) {
    Path cert = existingFile(config, "tls.certificate");
    Path key = existingFile(config, "tls.private-key");
    Path ca = existingFile(config, "tls.ca-certificates");
    if ((cert == null) != (key == null)) {
      throw new ConfigurationException(
          config.owner()
              + ": mTLS needs both 'tls.certificate' and 'tls.private-key' (PEM files); only "
              + (cert != null ? "tls.certificate" : "tls.private-key")
              + " is set");
    }
    if (config.contains("auth.token") && config.contains("auth.token-file")) {
      throw new ConfigurationException(
          config.owner() + ": set either 'auth.token' or 'auth.token-file', not both");
    }
    String token = config.get("auth.token").orElse(null);
    Path tokenFile = existingFile(config, "auth.token-file");
    if (tokenFile != null) {
      try {
        token = Files.readString(tokenFile).strip();
      } catch (java.io.IOException e) {
        throw new ConfigurationException(
            config.owner() + ": cannot read the token file " + tokenFile + " (auth.token-file): " + e.getMessage(), e);
      }
    }
    if (token != null) {
      token = token.strip();
      if (token.isEmpty() || token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
        throw new ConfigurationException(
            config.owner()
                + ": the bearer token (auth.token / auth.token-file) is empty or holds spaces or control"
                + " characters; paste the token value exactly as Vespa Cloud shows it");
      }
    }
    boolean plain = !"https".equals(query.getScheme()) || !"https".equals(feed.getScheme());
    if (plain && (cert != null || ca != null || token != null)) {
      throw new ConfigurationException(
          config.owner()
              + ": TLS certificates and bearer tokens are only sent over https, but an endpoint is http"
              + " ("
              + (query.equals(feed) ? query : query + ", " + feed)
              + "); use the https endpoint or remove the tls.* / auth.* keys");
    }
    return new Auth(cert, key, ca, token);
  }

  private static Path existingFile(ProviderConfig config, String key) {
    Optional<String> v = config.get(key);
    if (v.isEmpty()) {
      return null;
    }
    Path p = Path.of(v.get().trim());
    if (!Files.isRegularFile(p)) {
      throw new ConfigurationException(
          config.owner() + ": configuration key '" + key + "' names " + p + ", which is not a readable file");
    }
    return p;
  }

  private static String name(ProviderConfig config, String key, String def) {
    String v = config.getString(key, def).trim();
    if (!NAME.matcher(v).matches()) {
      throw new ConfigurationException(
          config.owner()
              + ": configuration key '"
              + key
              + "' is '"
              + v
              + "'; Vespa names are ASCII letters, digits and '_', not starting with a digit");
    }
    return v;
  }

  private static Duration millis(ProviderConfig config, String key, int def, int min, int max) {
    return Duration.ofMillis(config.getInt(key, def, min, max));
  }

  static URI endpoint(ProviderConfig config, String key, String value) {
    String v = value.trim();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(v);
    } catch (URISyntaxException e) {
      throw new ConfigurationException(
          config.owner() + ": configuration key '" + key + "' is not a URL: '" + value + "' (" + e.getMessage() + ")",
          e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new ConfigurationException(
          config.owner()
              + ": configuration key '"
              + key
              + "' must be an http:// or https:// URL with a host, such as http://localhost:8080, but is '"
              + value
              + "'");
    }
    if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new ConfigurationException(
          config.owner()
              + ": configuration key '"
              + key
              + "' must be the root URL of the container cluster (scheme, host, port), without a path"
              + " such as /search/ or /document/v1, but is '"
              + value
              + "'");
    }
    return uri;
  }
}
