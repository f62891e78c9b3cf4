package dev.vimi.retriever.vespa.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.BackendException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queries to Vespa's query API ({@code POST /search/} with a JSON body) over one {@link
 * HttpClient}, so that connections are reused; retries 429, 502, 503, 504 and dropped connections
 * with exponential backoff and jitter; turns every other failure into a {@link BackendException}
 * whose message carries Vespa's own error text.
 *
 * <p>Thread-safe. At most {@code query.max-in-flight} requests are outstanding at once, however many
 * threads call in. Owns the HTTP client; {@link #close()} releases it.
 */
final class QueryClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryClient.class);
  /** Extra time the HTTP request gets beyond Vespa's own query timeout, so Vespa can answer "timed out". */
  private static final Duration TIMEOUT_MARGIN = Duration.ofSeconds(1);

  private final VespaSettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final URI searchUri;
  private final Semaphore inFlight;

  QueryClient(VespaSettings settings) {
    this.settings = settings;
    this.searchUri = settings.queryEndpoint().resolve("/search/");
    this.inFlight = new Semaphore(settings.maxInFlight(), true);
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // HTTP/2 is negotiated with ALPN over https; plain http stays on HTTP/1.1 (no h2c upgrade dance)
            .version("https".equals(searchUri.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    VespaSettings.Auth auth = settings.auth();
    if (auth.customTls()) {
      SSLContext ctx = Pem.sslContext(auth.certificate(), auth.privateKey(), auth.caCertificates());
      b.sslContext(ctx);
    }
    this.http = b.build();
  }

  ObjectMapper json() {
    return json;
  }

  URI searchUri() {
    return searchUri;
  }

  /**
   * Sends one query and returns the parsed reply (the object holding {@code root}). {@code what}
   * names the query in error messages.
   */
  JsonNode search(ObjectNode body, String what) {
    byte[] payload;
    try {
      payload = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest request =
        request(searchUri, settings.queryTimeout().plus(TIMEOUT_MARGIN))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
            .build();
    return exchange(request, what, "Vespa query API at " + searchUri, response -> parse(response.body(), what));
  }

  /**
   * Checks that the document API at {@code feedEndpoint} answers, with the dry-run request that
   * vespa-feed-client sends as its handshake, so that a refusal is reported with Vespa's own message
   * before the feed client starts its threads.
   */
  void checkDocumentApi(URI feedEndpoint) {
    URI uri = feedEndpoint.resolve("/document/v1/feeder/handshake/docid/dummy?dryRun=true");
    HttpRequest request =
        request(uri, settings.queryTimeout().plus(TIMEOUT_MARGIN)).POST(HttpRequest.BodyPublishers.noBody()).build();
    exchange(request, "the feed handshake", "Vespa document API at " + feedEndpoint, response -> null);
  }

  private HttpRequest.Builder request(URI uri, Duration timeout) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json");
    if (settings.auth().token() != null) {
      rb.header("Authorization", "Bearer " + settings.auth().token());
    }
    return rb;
  }

  /** Sends with retries; {@code onOk} turns a 200 reply into the result. */
  private <T> T exchange(
      HttpRequest request, String what, String where, java.util.function.Function<HttpResponse<byte[]>, T> onOk) {
    RetryPolicy retry = settings.retry();
    String lastProblem = null;
    for (int attempt = 1; ; attempt++) {
      Duration retryAfter = null;
      try {
        HttpResponse<byte[]> response = send(request);
        int status = response.statusCode();
        if (status == 200) {
          return onOk.apply(response);
        }
        String message = VespaErrors.message(json, response.body());
        if (status == 400 && message.equals("Could not read document, no document?")) {
          return onOk.apply(response); // older Vespa answers the feed handshake like this: all is well
        }
        if (!retryable(status)) {
          throw new BackendException(clientError(status, message, what, where));
        }
        lastProblem = "HTTP " + status + ": " + message;
        retryAfter = retryAfter(response);
      } catch (SSLException e) {
        throw new BackendException(tlsMessage(e, request.uri()), e);
      } catch (IOException e) {
        SSLException tls = tlsCause(e);
        if (tls != null) {
          throw new BackendException(tlsMessage(tls, request.uri()), e);
        }
        lastProblem = ioProblem(e, request.uri());
      }
      if (attempt >= retry.maxAttempts()) {
        throw new BackendException(
            where
                + " failed for "
                + what
                + " after "
                + attempt
                + (attempt == 1 ? " attempt" : " attempts")
                + "; last problem: "
                + lastProblem
                + ". Check that the endpoint is right and the cluster is up (retry.max-attempts="
                + retry.maxAttempts()
                + ")");
      }
      Duration delay = retry.delay(attempt, retryAfter);
      LOG.debug("{} failed (attempt {}): {}; retrying in {} ms", what, attempt, lastProblem, delay.toMillis());
      sleep(delay);
    }
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting to send a Vespa query", e);
    }
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for Vespa's reply", e);
    } finally {
      inFlight.release();
    }
  }

  private JsonNode parse(byte[] body, String what) {
    try {
      JsonNode node = json.readTree(body);
      if (node == null || !node.isObject()) {
        throw new BackendException(
            "Vespa's reply to " + what + " from " + searchUri + " is not a JSON object: " + VespaErrors.excerpt(body));
      }
      return node;
    } catch (IOException e) {
      throw new BackendException(
          "Vespa's reply to "
              + what
              + " from "
              + searchUri
              + " is not valid JSON ("
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())
              + "); is the endpoint a Vespa container? Reply begins: "
              + VespaErrors.excerpt(body),
          e);
    }
  }

  private String clientError(int status, String message, String what, String where) {
    String hint =
        switch (status) {
          case 401, 403 ->
              " The cluster refused the credentials: check tls.certificate/tls.private-key (Vespa Cloud: the"
                  + " certificate must be listed in the application's security/clients.pem) or auth.token"
                  + " (a data-plane token with read permission).";
          case 404 ->
              " The endpoint has no such handler: is it the container cluster's URL, with <search/> and"
                  + " <document-api/> in services.xml?";
          case 400 ->
              " Is the vimi application package deployed (schema "
                  + settings.documentType()
                  + ", rank profile "
                  + settings.rankProfile()
                  + ")?";
          default -> "";
        };
    return where + " rejected " + what + " with HTTP " + status + ": " + message + "." + hint;
  }

  static boolean retryable(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    Optional<String> v = response.headers().firstValue("Retry-After");
    if (v.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(v.get().trim()));
    } catch (NumberFormatException e) {
      return null; // an HTTP date: fall back to our own backoff
    }
  }

  private String ioProblem(IOException e, URI uri) {
    if (e instanceof HttpConnectTimeoutException) {
      return "connecting timed out after " + settings.connectTimeout().toMillis() + " ms";
    }
    if (e instanceof HttpTimeoutException) {
      return "no reply within " + settings.queryTimeout().plus(TIMEOUT_MARGIN).toMillis() + " ms (query.timeout-ms + 1 s)";
    }
    if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      return "cannot connect (" + describe(e) + ")";
    }
    String problem = "connection failed or was dropped (" + describe(e) + ")";
    if ("https".equals(uri.getScheme())) {
      // under TLS 1.3 the server checks the client certificate after the handshake: a refusal can
      // reach the client as a broken pipe or a reset instead of a TLS alert
      problem +=
          "; over https this is also how a server that refuses the client certificate can show (TLS 1.3):"
              + " set tls.certificate and tls.private-key to a certificate the cluster trusts";
    }
    return problem;
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  static SSLException tlsCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SSLException s) {
        return s;
      }
    }
    return null;
  }

  static String tlsMessage(SSLException e, URI endpoint) {
    String m = String.valueOf(e.getMessage());
    String hint;
    if (m.contains("PKIX") || m.contains("certification path") || m.contains("No subject alternative")
        || m.contains("No name matching")) {
      hint =
          "the server's certificate is not trusted for this host; set tls.ca-certificates to the PEM file"
              + " of the CA that signed it (Vespa Cloud endpoints are trusted by the JVM by default)";
    } else if (m.contains("certificate_required") || m.contains("bad_certificate") || m.contains("unknown_ca")
        || m.contains("certificate_unknown") || m.contains("access_denied")) {
      hint =
          "the server refused this client's certificate; set tls.certificate and tls.private-key to a"
              + " certificate the cluster trusts (Vespa Cloud: listed in security/clients.pem)";
    } else {
      hint = "check the tls.* settings and that the endpoint speaks TLS";
    }
    String base = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
    return "TLS handshake with " + base + " failed: " + m + "; " + hint;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while backing off before a Vespa retry", e);
    }
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}
