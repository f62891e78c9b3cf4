package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_CAPTION;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_ID;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_BYTES;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_KIND;
import static dev.vimi.retriever.vespa.VespaApplicationPackage.FIELD_IMAGE_REF;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BM25 top-K over an image-text memory held in a Vespa cluster, through the query API: YQL {@code
 * select ... from vimi_pair where userQuery()}, the caption as the user query (tokenized, no query
 * syntax, terms OR-ed by default), rank profile {@code bm25}, {@code hits} = K, and a timeout.
 *
 * <p><b>Leakage.</b> Excluded ids are filtered in the cluster with {@code !(pair_id contains
 * "...")} in the YQL, so a query still returns K hits when it excludes its own pair; no over-fetch.
 *
 * <p><b>Ordering.</b> Hits come back by descending BM25 score; ties are broken by id, so the same
 * query on the same memory gives the same list.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use; one HTTP client (one connection pool) serves all
 * threads and at most {@code query.max-in-flight} requests are outstanding. {@link #retrieveAll}
 * sends its queries concurrently within that bound. <b>Ownership.</b> The caller closes it; returned
 * lists are immutable.
 */
public final class VespaRetriever implements Retriever {
  private static final Logger LOG = LoggerFactory.getLogger(VespaRetriever.class);
  private static final String SUMMARY_FIELDS =
      String.join(", ", FIELD_ID, FIELD_CAPTION, FIELD_IMAGE_KIND, FIELD_IMAGE_REF, FIELD_IMAGE_BYTES);
  private static final Comparator<RetrievedItem> ORDER =
      Comparator.comparing(RetrievedItem::score).reversed().thenComparing(RetrievedItem::id);

  private final VespaSettings settings;
  private final QueryClient client;
  private final AtomicBoolean closed = new AtomicBoolean();

  VespaRetriever(VespaSettings settings) {
    this.settings = settings;
    this.client = new QueryClient(settings);
  }

  @Override
  public List<RetrievedItem> retrieve(RetrievalQuery query) {
    checkOpen();
    JsonNode reply = client.search(body(query), "query '" + shorten(query.text()) + "'");
    return hits(reply, query);
  }

  /** Sends the queries concurrently, at most {@code query.max-in-flight} at a time; results in query order. */
  @Override
  public List<List<RetrievedItem>> retrieveAll(List<RetrievalQuery> queries) {
    checkOpen();
    if (queries.size() <= 1) {
      return queries.isEmpty() ? List.of() : List.of(retrieve(queries.get(0)));
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<RetrievedItem>>> futures = new ArrayList<>(queries.size());
      for (RetrievalQuery q : queries) {
        futures.add(pool.submit(() -> retrieve(q)));
      }
      List<List<RetrievedItem>> out = new ArrayList<>(queries.size());
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          futures.forEach(f -> f.cancel(true));
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          throw new BackendException("query " + i + " of the batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
          futures.forEach(f -> f.cancel(true));
          Thread.currentThread().interrupt();
          throw new BackendException("interrupted while waiting for a batch of Vespa queries", e);
        }
      }
      return List.copyOf(out);
    }
  }

  /**
   * Pairs from the query API's {@code totalCount} of a match-all query; terms and bytes are not known
   * (-1). Details: the query endpoint ({@link MemoryStats#MEMORY}), {@code namespace}, {@code
   * document_type} and {@code rank_profile}.
   */
  @Override
  public MemoryStats stats() {
    checkOpen();
    java.util.Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put(MemoryStats.MEMORY, settings.queryEndpoint().toString());
    details.put("namespace", settings.namespace());
    details.put("document_type", settings.documentType());
    details.put("rank_profile", settings.rankProfile());
    return new MemoryStats(count(client, settings), -1, -1, details);
  }

  /** The number of documents of the memory's type, by a match-all query with {@code hits=0}. */
  static long count(QueryClient client, VespaSettings settings) {
    ObjectNode body = client.json().createObjectNode();
    body.put("yql", "select * from " + settings.documentType() + " where true");
    body.put("hits", 0);
    body.put("timeout", settings.queryTimeout().toMillis() + "ms");
    JsonNode reply = client.search(body, "the count of pairs");
    JsonNode root = root(reply, "the count of pairs", client);
    failOnErrors(root, "the count of pairs", settings, client);
    JsonNode total = root.path("fields").path("totalCount");
    if (!total.isIntegralNumber()) {
      throw new BackendException(
          "Vespa's reply to the count of pairs from "
              + client.searchUri()
              + " lacks root.fields.totalCount; is the endpoint a Vespa query API?");
    }
    return total.asLong();
  }

  ObjectNode body(RetrievalQuery query) {
    StringBuilder yql =
        new StringBuilder("select ")
            .append(SUMMARY_FIELDS)
            .append(" from ")
            .append(settings.documentType())
            .append(" where userQuery()");
    if (!query.excludeIds().isEmpty()) {
      yql.append(" and !(");
      boolean first = true;
      for (String id : query.excludeIds().stream().sorted().toList()) {
        yql.append(first ? "" : " or ").append(FIELD_ID).append(" contains ").append(yqlString(id));
        first = false;
      }
      yql.append(')');
    }
    ObjectNode body = client.json().createObjectNode();
    body.put("yql", yql.toString());
    body.put("query", query.text());
    // the caption is plain text: tokenize it, ignore query syntax (+, -, quotes, field:), combine terms
    body.put("model.type.composite", settings.composite());
    body.put("model.type.tokenization", "internal");
    body.put("model.type.syntax", "none");
    body.put("ranking.profile", settings.rankProfile());
    body.put("hits", query.k());
    body.put("timeout", settings.queryTimeout().toMillis() + "ms");
    return body;
  }

  /** A YQL string literal: double-quoted, with quote and backslash escaped. */
  static String yqlString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('"').toString();
  }

  private List<RetrievedItem> hits(JsonNode reply, RetrievalQuery query) {
    String what = "query '" + shorten(query.text()) + "'";
    JsonNode root = root(reply, what, client);
    failOnErrors(root, what, settings, client);
    JsonNode children = root.get("children");
    if (children == null || children.isNull()) {
      return List.of();
    }
    if (!children.isArray()) {
      throw new BackendException("Vespa's reply to " + what + ": root.children is not an array");
    }
    List<RetrievedItem> out = new ArrayList<>(children.size());
    Set<String> seen = new HashSet<>();
    int i = 0;
    for (JsonNode hit : children) {
      RetrievedItem item = item(hit, i++, what);
      if (query.excludeIds().contains(item.id())) {
        LOG.warn("Vespa returned excluded pair '{}' for {}; dropped (is pair_id an attribute with match: cased?)", item.id(), what);
        continue;
      }
      if (seen.add(item.id())) {
        out.add(item);
      }
    }
    out.sort(ORDER);
    return List.copyOf(out.size() > query.k() ? out.subList(0, query.k()) : out);
  }

  private RetrievedItem item(JsonNode hit, int index, String what) {
    JsonNode fields = hit.get("fields");
    JsonNode relevance = hit.get("relevance");
    if (fields == null || !fields.isObject()) {
      throw missing(index, "fields", what);
    }
    JsonNode id = fields.get(FIELD_ID);
    JsonNode caption = fields.get(FIELD_CAPTION);
    if (id == null || !id.isTextual()) {
      throw missing(index, "fields." + FIELD_ID, what);
    }
    if (caption == null || !caption.isTextual()) {
      throw missing(index, "fields." + FIELD_CAPTION, what);
    }
    if (relevance == null || !relevance.isNumber()) {
      throw new BackendException(
          "Vespa's reply to "
              + what
              + ": hit "
              + index
              + " ('"
              + id.asText()
              + "') has no numeric relevance ("
              + relevance
              + "); check the rank profile '"
              + settings.rankProfile()
              + "'");
    }
    String pairId = id.asText();
    return new RetrievedItem(pairId, caption.asText(), VespaDocuments.image(fields, pairId), (float) relevance.asDouble());
  }

  private BackendException missing(int index, String field, String what) {
    return new BackendException(
        "Vespa's reply to "
            + what
            + ": hit "
            + index
            + " lacks '"
            + field
            + "'; is the vimi application package deployed (schema "
            + settings.documentType()
            + " with summary fields "
            + SUMMARY_FIELDS
            + ")?");
  }

  private static JsonNode root(JsonNode reply, String what, QueryClient client) {
    JsonNode root = reply.get("root");
    if (root == null || !root.isObject()) {
      throw new BackendException(
          "Vespa's reply to " + what + " from " + client.searchUri() + " has no 'root' object; is the endpoint a Vespa query API?");
    }
    return root;
  }

  /** Errors or incomplete coverage in a 200 reply: refused unless partial results are allowed. */
  private static void failOnErrors(JsonNode root, String what, VespaSettings settings, QueryClient client) {
    List<String> errors = VespaErrors.errors(root.path("errors"));
    JsonNode coverage = root.path("coverage");
    boolean degraded = coverage.path("full").isBoolean() && !coverage.path("full").asBoolean();
    if (errors.isEmpty() && !degraded) {
      return;
    }
    String problem =
        (errors.isEmpty() ? "" : "errors: " + String.join("; ", errors))
            + (degraded
                ? (errors.isEmpty() ? "" : "; ")
                    + "only "
                    + coverage.path("coverage").asText("?")
                    + "% of the memory was searched (coverage.full=false)"
                : "");
    if (settings.allowPartialResults()) {
      LOG.warn("Vespa answered {} with partial results: {}", what, problem);
      return;
    }
    throw new BackendException(
        "Vespa answered "
            + what
            + " from "
            + client.searchUri()
            + " with "
            + problem
            + "; the hits would be incomplete. Set query.allow-partial-results=true to accept them");
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this Vespa retriever is closed");
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
    }
  }
}
