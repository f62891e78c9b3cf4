package dev.vimi.retriever.vespa.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A stand-in for a Vespa container cluster with the vimi application package deployed, for tests
 * only. It answers the document/v1 API (conditional puts, the feed client's dry-run handshake) and the
 * query API ({@code POST /search/} with YQL {@code userQuery()} and exclusions, or {@code where true})
 * with the JSON shapes of Vespa's documentation, and ranks with BM25 over the fed captions and keywords
 * (k1 1.2, b 0.75, Vespa's IDF). It speaks HTTP/1.1 and HTTP/2: cleartext h2c with prior knowledge
 * (what vespa-feed-client sends to an http:// endpoint) or, with TLS, h2 and http/1.1 negotiated by
 * ALPN, optionally requiring a client certificate.
 *
 * <p>Faults are scripted per request: {@link #feedScript} and {@link #searchScript} decide for each
 * call whether to answer normally, with a given status and body, after a delay, or by dropping the
 * connection. Every call is recorded.
 */
final class FakeVespa implements AutoCloseable {
  static final String DOC_TYPE = "vimi_pair";
  private static final double K1 = 1.2;
  private static final double B = 0.75;
  private static final Set<String> FIELDS = Set.of("pair_id", "caption", "keywords", "image_kind", "image_ref", "image_bytes");
  private static final Pattern DOC_PATH = Pattern.compile("/document/v1/([^/]+)/([^/]+)/docid/([^/]+)");
  private static final Pattern YQL =
      Pattern.compile("select (.+?) from (?:sources )?([A-Za-z_][A-Za-z0-9_]*) where (.+)", Pattern.DOTALL);
  private static final Pattern EXCLUDE = Pattern.compile("pair_id contains \"((?:[^\"\\\\]|\\\\.)*)\"");

  /** One request as the server saw it. */
  record Call(String api, String method, String path, String query, Map<String, String> headers, byte[] body, String httpVersion, int seq) {
    boolean handshake() {
      return path.startsWith("/document/v1/feeder/handshake/");
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** How to answer one request. */
  sealed interface Reply {
    Reply NORMAL = new Normal();

    record Normal() implements Reply {}

    record Status(int code, String body, Map<String, String> headers) implements Reply {
      Status(int code, String body) {
        this(code, body, Map.of());
      }
    }

    record Delay(Duration delay, Reply then) implements Reply {}

    /** Holds the reply until {@code release} opens (at most a minute): a server that does not answer in time. */
    record Hold(java.util.concurrent.CountDownLatch release, Reply then) implements Reply {}

    record Drop() implements Reply {}
  }

  @FunctionalInterface
  interface Script {
    Reply reply(Call call);
  }

  private final Server server;
  private final ServerConnector connector;
  private final boolean tls;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, StoredDoc> docs = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger feedSeq = new AtomicInteger();
  private final AtomicInteger searchSeq = new AtomicInteger();
  volatile Script feedScript = c -> Reply.NORMAL;
  volatile Script searchScript = c -> Reply.NORMAL;
  /** If set, every request must carry {@code Authorization: Bearer <token>}; else 403. */
  volatile String requiredToken;

  private record StoredDoc(String id, ObjectNode fields, List<String> captionTerms, List<String> keywordTerms) {}

  private FakeVespa(KeyStore serverKeys, char[] password, KeyStore trustedClients) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(64, 4);
    pool.setName("fake-vespa");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // as Vespa's container (ConnectorFactory): ids with '/' arrive as %2F in the document/v1 path
    http.setUriCompliance(UriCompliance.LEGACY);
    if (serverKeys == null) {
      tls = false;
      connector = new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http));
    } else {
      tls = true;
      SecureRequestCustomizer src = new SecureRequestCustomizer();
      src.setSniHostCheck(false);
      http.addCustomizer(src);
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(serverKeys);
      ssl.setKeyStorePassword(new String(password));
      if (trustedClients != null) {
        ssl.setTrustStore(trustedClients);
        ssl.setNeedClientAuth(true);
      }
      HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
      HttpConnectionFactory h1 = new HttpConnectionFactory(http);
      ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
      alpn.setDefaultProtocol(h1.getProtocol());
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, h1);
    }
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) throws Exception {
            FakeVespa.this.handle(request, response, callback);
            return true;
          }
        });
    server.start();
  }

  /** Plain http: HTTP/1.1 and h2c (prior knowledge) on one port. */
  static FakeVespa start() throws Exception {
    return new FakeVespa(null, null, null);
  }

  /** https with ALPN (h2, http/1.1); if {@code trustedClients} is non-null, a client certificate it trusts is required. */
  static FakeVespa startTls(KeyStore serverKeys, char[] password, KeyStore trustedClients) throws Exception {
    return new FakeVespa(serverKeys, password, trustedClients);
  }

  URI endpoint() {
    return URI.create((tls ? "https://localhost:" : "http://127.0.0.1:") + connector.getLocalPort());
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  List<Call> calls(String api) {
    return calls.stream().filter(c -> c.api().equals(api)).toList();
  }

  synchronized int documentCount() {
    return docs.size();
  }

  synchronized Set<String> documentIds() {
    return Set.copyOf(docs.keySet());
  }

  synchronized JsonNode document(String id) {
    StoredDoc d = docs.get(id);
    return d == null ? null : d.fields().deepCopy();
  }

  // ---------------------------------------------------------------- dispatch

  private void handle(Request request, Response response, Callback callback) throws IOException {
    String path = request.getHttpURI().getPath();
    String query = request.getHttpURI().getQuery();
    Map<String, String> headers = new HashMap<>();
    request.getHeaders().forEach(f -> headers.put(f.getLowerCaseName(), f.getValue()));
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readAllBytes();
    }
    if ("gzip".equalsIgnoreCase(headers.get("content-encoding"))) {
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    boolean feed = path.startsWith("/document/v1/");
    boolean search = path.equals("/search/") || path.equals("/search");
    String api = feed ? "feed" : search ? "search" : "other";
    int seq = feed ? feedSeq.incrementAndGet() : search ? searchSeq.incrementAndGet() : 0;
    Call call =
        new Call(api, request.getMethod(), path, query, Map.copyOf(headers), body,
            request.getConnectionMetaData().getHttpVersion().asString(), seq);
    calls.add(call);
    Reply reply = feed ? feedScript.reply(call) : search ? searchScript.reply(call) : Reply.NORMAL;
    answer(reply, call, request, response, callback);
  }

  private void answer(Reply reply, Call call, Request request, Response response, Callback callback) {
    switch (reply) {
      case Reply.Delay d -> {
        try {
          Thread.sleep(d.delay());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        answer(d.then(), call, request, response, callback);
      }
      case Reply.Hold h -> {
        try {
          h.release().await(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        answer(h.then(), call, request, response, callback);
      }
      case Reply.Drop drop -> {
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        callback.failed(new IOException("fake Vespa dropped the connection"));
      }
      case Reply.Status s -> send(response, callback, s.code(), s.body(), s.headers());
      case Reply.Normal n -> {
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(call.header("authorization"))) {
          send(response, callback, 403, "{\"message\":\"Forbidden: no valid data-plane token\"}", Map.of());
          return;
        }
        Answer a =
            switch (call.api()) {
              case "feed" -> feed(call);
              case "search" -> search(call);
              default -> new Answer(404, "{\"message\":\"No handler for " + call.path() + "\"}");
            };
        send(response, callback, a.code(), a.body(), Map.of());
      }
    }
  }

  private record Answer(int code, String body) {}

  private static void send(Response response, Callback callback, int code, String body, Map<String, String> headers) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
    headers.forEach((k, v) -> response.getHeaders().put(k, v));
    Content.Sink.write(response, true, body, callback);
  }

  // ---------------------------------------------------------------- document/v1

  private Answer feed(Call call) {
    Matcher m = DOC_PATH.matcher(call.path());
    if (!m.matches()) {
      return new Answer(400, message(call.path(), "Invalid document API path " + call.path()));
    }
    String namespace = decode(m.group(1));
    String type = decode(m.group(2));
    String id = decode(m.group(3));
    Map<String, String> params = params(call.query());
    String docId = "id:" + namespace + ":" + type + "::" + id;
    if ("true".equals(params.get("dryRun"))) {
      return new Answer(200, ok(call.path(), docId));
    }
    if (!call.method().equals("POST")) {
      return new Answer(405, message(call.path(), "Only POST (put) is supported by this fake"));
    }
    if (!type.equals(DOC_TYPE)) {
      return new Answer(400, message(call.path(), "Document type " + type + " does not exist"));
    }
    JsonNode doc;
    try {
      doc = json.readTree(call.body());
    } catch (IOException e) {
      return new Answer(400, message(call.path(), "Could not read document, no document?"));
    }
    if (doc == null || !doc.path("fields").isObject()) {
      return new Answer(400, message(call.path(), "Could not read document, no document?"));
    }
    ObjectNode fields = (ObjectNode) doc.get("fields");
    for (var it = fields.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        return new Answer(400, message(call.path(), "No field '" + f + "' in the structure of type '" + DOC_TYPE + "', which has the fields: " + new java.util.TreeSet<>(FIELDS)));
      }
    }
    for (String f : List.of("pair_id", "caption", "image_kind", "image_ref", "image_bytes")) {
      if (fields.has(f) && !fields.get(f).isTextual()) {
        return new Answer(400, message(call.path(), "Error in document '" + docId + "' - could not parse field '" + f + "' of type 'string'"));
      }
    }
    if (fields.has("keywords") && !fields.get("keywords").isArray()) {
      return new Answer(400, message(call.path(), "Error in document '" + docId + "' - could not parse field 'keywords' of type 'Array<string>'"));
    }
    if (fields.has("image_bytes")) {
      try {
        java.util.Base64.getDecoder().decode(fields.get("image_bytes").asText());
      } catch (IllegalArgumentException e) {
        return new Answer(400, message(call.path(), "Error in document '" + docId + "' - field 'image_bytes' of type 'raw': " + e.getMessage()));
      }
    }
    if (!id.equals(fields.path("pair_id").asText())) {
      throw new AssertionError("plugin bug: document id '" + id + "' but pair_id '" + fields.path("pair_id").asText() + "'");
    }
    String condition = params.get("condition");
    boolean create = "true".equals(params.get("create"));
    synchronized (this) {
      boolean exists = docs.containsKey(id);
      if (condition != null) {
        if (exists) {
          if (condition.equals("false")) {
            return new Answer(412, conditionFailed(call.path(), docId));
          } else if (!condition.equals("true")) {
            return new Answer(400, message(call.path(), "this fake evaluates only the conditions true and false"));
          }
        } else if (!create) {
          return new Answer(412, conditionFailed(call.path(), docId));
        }
      }
      docs.put(id, new StoredDoc(id, fields, terms(fields.path("caption").asText()), keywordTerms(fields.get("keywords"))));
    }
    return new Answer(200, ok(call.path(), docId));
  }

  private String ok(String path, String docId) {
    ObjectNode o = json.createObjectNode();
    o.put("pathId", path);
    o.put("id", docId);
    return o.toString();
  }

  private String message(String path, String message) {
    ObjectNode o = json.createObjectNode();
    o.put("pathId", path);
    o.put("message", message);
    return o.toString();
  }

  private String conditionFailed(String path, String docId) {
    ObjectNode o = json.createObjectNode();
    o.put("pathId", path);
    o.put("id", docId);
    o.put("message", "[UNKNOWN(251013) @ tcp/fake-vespa:19101/default]: ReturnCode(TEST_AND_SET_CONDITION_FAILED, Condition did not match document nodeIndex=0 bucket=20000000000000c4) ");
    return o.toString();
  }

  // ---------------------------------------------------------------- /search/

  /** The body of a query API error, as Vespa renders it. */
  static String searchError(int code, String summary, String message) {
    return "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0,\"fields\":{\"totalCount\":0},\"errors\":[{\"code\":"
        + code
        + ",\"summary\":\""
        + summary
        + "\",\"source\":\"vimi_memory\",\"message\":\""
        + message.replace("\"", "\\\"")
        + "\"}]}}";
  }

  private Answer search(Call call) {
    if (!call.method().equals("POST")) {
      return new Answer(405, searchError(17, "Bad request", "this fake answers POST only"));
    }
    JsonNode q;
    try {
      q = json.readTree(call.body());
    } catch (IOException e) {
      return new Answer(400, searchError(4, "Invalid query parameter", "Could not parse the JSON body: " + e.getMessage()));
    }
    String yql = q.path("yql").asText(null);
    if (yql == null) {
      return new Answer(400, searchError(1, "Null query", "No query"));
    }
    Matcher m = YQL.matcher(yql.strip());
    if (!m.matches()) {
      return new Answer(400, searchError(3, "Illegal query", "Could not create query from YQL: " + yql));
    }
    if (!m.group(2).equals(DOC_TYPE)) {
      return new Answer(400, searchError(4, "Invalid query parameter", "Could not resolve source ref '" + m.group(2) + "'"));
    }
    String profile = textParam(q, "ranking.profile", "ranking", "default");
    if (!Set.of("default", "bm25", "unranked").contains(profile)) {
      return new Answer(400, searchError(4, "Invalid query parameter",
          "Could not set 'ranking.profile' to '" + profile + "': Schema '" + DOC_TYPE + "' does not contain requested rank profile '" + profile + "'"));
    }
    int hits = q.path("hits").asInt(10);
    if (hits > 10_000) {
      return new Answer(400, searchError(4, "Invalid query parameter", hits + " hits requested, configured limit: 10000."));
    }
    List<String> select = m.group(1).strip().equals("*") ? new ArrayList<>(FIELDS) : List.of(m.group(1).split("\\s*,\\s*"));
    String where = m.group(3).strip();
    List<Scored> matches;
    synchronized (this) {
      if (where.equals("true")) {
        matches = docs.values().stream().map(d -> new Scored(d, 0.0)).toList();
      } else if (where.startsWith("userQuery()")) {
        String rest = where.substring("userQuery()".length()).strip();
        Set<String> excluded = new java.util.HashSet<>();
        if (!rest.isEmpty()) {
          if (!rest.startsWith("and !(") || !rest.endsWith(")")) {
            return new Answer(400, searchError(3, "Illegal query", "this fake understands 'userQuery() and !(pair_id contains ...)' only: " + where));
          }
          Matcher e = EXCLUDE.matcher(rest);
          while (e.find()) {
            excluded.add(e.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
          }
        }
        String text = textParam(q, "query", "model.queryString", null);
        if (text == null) {
          return new Answer(400, searchError(1, "Null query", "userQuery() without a 'query' parameter"));
        }
        matches = rank(terms(text), q.path("model.type.composite").asText("weakAnd"), excluded);
      } else {
        return new Answer(400, searchError(3, "Illegal query", "this fake does not understand: " + where));
      }
    }
    ObjectNode reply = json.createObjectNode();
    ObjectNode root = reply.putObject("root");
    root.put("id", "toplevel");
    root.put("relevance", 1.0);
    root.putObject("fields").put("totalCount", matches.size());
    ObjectNode coverage = root.putObject("coverage");
    coverage.put("coverage", 100);
    coverage.put("documents", documentCount());
    coverage.put("full", true);
    coverage.put("nodes", 1);
    coverage.put("results", 1);
    coverage.put("resultsFull", 1);
    if (hits > 0 && !matches.isEmpty()) {
      ArrayNode children = root.putArray("children");
      for (Scored s : matches.subList(0, Math.min(hits, matches.size()))) {
        ObjectNode hit = children.addObject();
        hit.put("id", "id:vimi:" + DOC_TYPE + "::" + s.doc().id());
        hit.put("relevance", s.score());
        hit.put("source", "vimi_memory");
        ObjectNode f = hit.putObject("fields");
        for (String name : select) {
          if (s.doc().fields().has(name)) {
            f.set(name, s.doc().fields().get(name));
          }
        }
      }
    }
    return new Answer(200, reply.toString());
  }

  private static String textParam(JsonNode q, String name, String alias, String def) {
    if (q.path(name).isTextual()) {
      return q.get(name).asText();
    }
    if (q.path(alias).isTextual()) {
      return q.get(alias).asText();
    }
    return def;
  }

  private record Scored(StoredDoc doc, double score) {}

  /** BM25 over caption and keywords, as the bm25 rank profile: bm25(caption) + bm25(keywords). */
  private List<Scored> rank(List<String> queryTerms, String composite, Set<String> excluded) {
    int n = docs.size();
    double avgCaption = docs.values().stream().mapToInt(d -> d.captionTerms().size()).average().orElse(1);
    double avgKeywords = docs.values().stream().mapToInt(d -> d.keywordTerms().size()).average().orElse(1);
    Map<String, Integer> dfCaption = new HashMap<>();
    Map<String, Integer> dfKeywords = new HashMap<>();
    for (String t : Set.copyOf(queryTerms)) {
      dfCaption.put(t, (int) docs.values().stream().filter(d -> d.captionTerms().contains(t)).count());
      dfKeywords.put(t, (int) docs.values().stream().filter(d -> d.keywordTerms().contains(t)).count());
    }
    List<Scored> out = new ArrayList<>();
    for (StoredDoc d : docs.values()) {
      if (excluded.contains(d.id())) {
        continue;
      }
      int matched = 0;
      for (String t : Set.copyOf(queryTerms)) {
        if (d.captionTerms().contains(t) || d.keywordTerms().contains(t)) {
          matched++;
        }
      }
      boolean match = composite.equals("and") ? matched == Set.copyOf(queryTerms).size() && matched > 0 : matched > 0;
      if (!match) {
        continue;
      }
      double score = 0;
      for (String t : queryTerms) {
        score += bm25(t, d.captionTerms(), n, dfCaption.get(t), avgCaption);
        score += bm25(t, d.keywordTerms(), n, dfKeywords.get(t), avgKeywords);
      }
      out.add(new Scored(d, score));
    }
    // ties in an order of Vespa's own (global document id), not by pair id
    out.sort(Comparator.comparingDouble(Scored::score).reversed().thenComparingInt(s -> Integer.reverse(s.doc().id().hashCode())));
    return out;
  }

  private static double bm25(String term, List<String> field, int n, int df, double avgLength) {
    long tf = field.stream().filter(term::equals).count();
    if (tf == 0) {
      return 0;
    }
    double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    double norm = tf + K1 * (1 - B + B * field.size() / Math.max(avgLength, 1e-9));
    return idf * tf * (K1 + 1) / norm;
  }

  static List<String> terms(String text) {
    List<String> out = new ArrayList<>();
    for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static List<String> keywordTerms(JsonNode keywords) {
    List<String> out = new ArrayList<>();
    if (keywords != null && keywords.isArray()) {
      keywords.forEach(k -> out.addAll(terms(k.asText())));
    }
    return out;
  }

  private static String decode(String segment) {
    return URLDecoder.decode(segment, StandardCharsets.UTF_8);
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new TreeMap<>();
    if (query != null) {
      for (String kv : query.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          out.put(decode(kv.substring(0, eq)), decode(kv.substring(eq + 1)));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the fake Vespa", e);
    }
  }
}
