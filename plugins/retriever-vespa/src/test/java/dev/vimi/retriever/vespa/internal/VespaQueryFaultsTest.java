package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.internal.VespaTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.retriever.vespa.internal.FakeVespa.Reply;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The query path against a cluster that misbehaves: each test scripts the fake's replies and checks
 * what the retriever did (retried, failed with which message, how many requests it sent).
 */
class VespaQueryFaultsTest {
  private static final RetrievalQuery QUERY = new RetrievalQuery("caption number 3", 3);
  private FakeVespa fake;
  private final VespaRetrieverProvider provider = new VespaRetrieverProvider();
  private List<RetrievedItem> expected;

  @BeforeEach
  void start() throws Exception {
    fake = FakeVespa.start();
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      VespaTestSupport.pairs(8, "p").forEach(w::add);
    }
    try (Retriever r = provider.open(config(fake))) {
      expected = r.retrieve(QUERY);
    }
    assertThat(expected).hasSize(3);
    assertThat(expected.get(0).id()).isEqualTo("p3");
  }

  /** Opened when the test ends: replies held back to simulate a slow cluster. */
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    fake.close();
  }

  private int searches() {
    return fake.calls("search").size();
  }

  /** Replies with {@code fault} to the first {@code times} searches from now on, then normally. */
  private void faultFirst(int times, Reply fault) {
    int base = searches();
    fake.searchScript = c -> c.seq() <= base + times ? fault : Reply.NORMAL;
  }

  @Test
  void backPressure429IsRetriedWithBackoff() {
    faultFirst(2, new Reply.Status(429, FakeVespa.searchError(0, "Too many requests", "overloaded"), Map.of("Retry-After", "0")));
    int before = searches();
    try (Retriever r = provider.open(config(fake))) {
      assertThat(r.retrieve(QUERY)).isEqualTo(expected);
    }
    assertThat(searches() - before).isEqualTo(3);
  }

  @Test
  void unavailable503IsRetriedThenSucceeds() {
    faultFirst(3, new Reply.Status(503, FakeVespa.searchError(0, "No backends in service. Try later", "no content nodes up")));
    int before = searches();
    try (Retriever r = provider.open(config(fake))) {
      assertThat(r.retrieve(QUERY)).isEqualTo(expected);
    }
    assertThat(searches() - before).isEqualTo(4);
  }

  @Test
  void a503StormEndsAfterMaxAttemptsWithVespasMessage() {
    fake.searchScript = c -> new Reply.Status(503, FakeVespa.searchError(0, "No backends in service. Try later", "no content nodes up"));
    int before = searches();
    try (Retriever r = provider.open(config(fake, "retry.max-attempts", "4"))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("after 4 attempts")
          .hasMessageContaining("HTTP 503")
          .hasMessageContaining("No backends in service. Try later: no content nodes up (code 0)");
    }
    assertThat(searches() - before).isEqualTo(4);
  }

  @Test
  void vespaTimeout504IsRetried() {
    faultFirst(1, new Reply.Status(504, FakeVespa.searchError(12, "Timed out", "Timeout while waiting for vimi_memory")));
    try (Retriever r = provider.open(config(fake))) {
      assertThat(r.retrieve(QUERY)).isEqualTo(expected);
    }
  }

  @Test
  void clientError400IsNotRetriedAndCarriesVespasMessage() {
    int before = searches();
    try (Retriever r = provider.open(config(fake, "rank-profile", "bm26"))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("HTTP 400")
          .hasMessageContaining("Schema 'vimi_pair' does not contain requested rank profile 'bm26'")
          .hasMessageContaining("Is the vimi application package deployed");
    }
    assertThat(searches() - before).isEqualTo(1);
  }

  @Test
  void forbidden403SaysToCheckTheCredentials() {
    fake.requiredToken = "some-token";
    try (Retriever r = provider.open(config(fake))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("Forbidden")
          .hasMessageContaining("refused the credentials");
    }
  }

  @Test
  void aSlowReplyTimesOutAndIsRetried() {
    faultFirst(1, new Reply.Hold(release, Reply.NORMAL));
    int before = searches();
    try (Retriever r = provider.open(config(fake, "query.timeout-ms", "100"))) {
      assertThat(r.retrieve(QUERY)).isEqualTo(expected);
    }
    assertThat(searches() - before).isEqualTo(2);
  }

  @Test
  void aClusterThatNeverAnswersInTimeFailsClearly() {
    fake.searchScript = c -> new Reply.Hold(release, Reply.NORMAL);
    try (Retriever r = provider.open(config(fake, "query.timeout-ms", "100", "retry.max-attempts", "2"))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("after 2 attempts")
          .hasMessageContaining("no reply within 1100 ms");
    }
  }

  @Test
  void aDroppedConnectionIsRetried() {
    faultFirst(1, new Reply.Drop());
    int before = searches();
    try (Retriever r = provider.open(config(fake))) {
      assertThat(r.retrieve(QUERY)).isEqualTo(expected);
    }
    assertThat(searches() - before).isEqualTo(2);
  }

  @Test
  void connectionsThatAlwaysDropFailClearly() {
    fake.searchScript = c -> new Reply.Drop();
    try (Retriever r = provider.open(config(fake, "retry.max-attempts", "3"))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("after 3 attempts")
          .hasMessageContaining("connection failed or was dropped");
    }
  }

  @Test
  void malformedJsonIsAClearErrorNotRetried() {
    faultFirst(1, new Reply.Status(200, "{\"root\": {\"fields\": {\"totalCount\": 1}, \"children\": [{\"relevance\""));
    int before = searches();
    try (Retriever r = provider.open(config(fake))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("is not valid JSON")
          .hasMessageContaining("{\"root\": {\"fields\"");
    }
    assertThat(searches() - before).isEqualTo(1);
  }

  @Test
  void aReplyWithoutRootIsRefused() {
    faultFirst(1, new Reply.Status(200, "{\"hello\": \"world\"}"));
    try (Retriever r = provider.open(config(fake))) {
      assertThatThrownBy(() -> r.retrieve(QUERY)).isInstanceOf(BackendException.class).hasMessageContaining("has no 'root' object");
    }
  }

  @Test
  void hitsMissingFieldsAreRefusedWithTheFieldName() {
    String noCaption =
        "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0,\"fields\":{\"totalCount\":1},"
            + "\"children\":[{\"id\":\"id:vimi:vimi_pair::p3\",\"relevance\":2.5,\"fields\":{\"pair_id\":\"p3\"}}]}}";
    String noRelevance =
        "{\"root\":{\"fields\":{\"totalCount\":1},"
            + "\"children\":[{\"id\":\"x\",\"fields\":{\"pair_id\":\"p3\",\"caption\":\"c\"}}]}}";
    String noFields = "{\"root\":{\"fields\":{\"totalCount\":1},\"children\":[{\"id\":\"x\",\"relevance\":1.0}]}}";
    try (Retriever r = provider.open(config(fake))) {
      faultFirst(1, new Reply.Status(200, noCaption));
      assertThatThrownBy(() -> r.retrieve(QUERY)).isInstanceOf(BackendException.class).hasMessageContaining("hit 0 lacks 'fields.caption'");
      faultFirst(1, new Reply.Status(200, noRelevance));
      assertThatThrownBy(() -> r.retrieve(QUERY)).isInstanceOf(BackendException.class).hasMessageContaining("has no numeric relevance");
      faultFirst(1, new Reply.Status(200, noFields));
      assertThatThrownBy(() -> r.retrieve(QUERY)).isInstanceOf(BackendException.class).hasMessageContaining("hit 0 lacks 'fields'");
      faultFirst(1, new Reply.Status(200, "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0}}"));
      assertThatThrownBy(() -> r.stats()).isInstanceOf(BackendException.class).hasMessageContaining("lacks root.fields.totalCount");
    }
  }

  @Test
  void partialResultsAreRefusedUnlessAllowed() {
    String degraded =
        "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0,\"fields\":{\"totalCount\":1},"
            + "\"coverage\":{\"coverage\":50,\"documents\":4,\"full\":false,\"nodes\":1,\"results\":1,\"resultsFull\":0},"
            + "\"errors\":[{\"code\":10,\"summary\":\"Backend communication error\",\"source\":\"vimi_memory\",\"message\":\"node 1 down\"}],"
            + "\"children\":[{\"id\":\"id:vimi:vimi_pair::p3\",\"relevance\":2.5,\"fields\":{\"pair_id\":\"p3\",\"caption\":\"caption number 3 of p\"}}]}}";
    fake.searchScript = c -> new Reply.Status(200, degraded);
    try (Retriever r = provider.open(config(fake))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("Backend communication error: node 1 down (code 10)")
          .hasMessageContaining("only 50% of the memory was searched")
          .hasMessageContaining("query.allow-partial-results=true");
    }
    try (Retriever r = provider.open(config(fake, "query.allow-partial-results", "true"))) {
      assertThat(r.retrieve(QUERY)).extracting(RetrievedItem::id).containsExactly("p3");
    }
  }

  @Test
  void aProxyErrorPageIsQuotedAndRetried() {
    faultFirst(10, new Reply.Status(502, "<html><body><h1>502 Bad Gateway</h1></body></html>"));
    try (Retriever r = provider.open(config(fake, "retry.max-attempts", "2"))) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("HTTP 502: '<html><body><h1>502 Bad Gateway</h1></body></html>'");
    }
  }

  @Test
  void anEndpointThatIsDownFailsClearly() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    var cfg = config(fake, "retry.max-attempts", "2").with("endpoint", "http://127.0.0.1:" + port);
    try (Retriever r = provider.open(cfg)) {
      assertThatThrownBy(() -> r.retrieve(QUERY))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("http://127.0.0.1:" + port + "/search/")
          .hasMessageContaining("cannot connect")
          .hasMessageContaining("Check that the endpoint is right and the cluster is up");
    }
  }

  @Test
  void batchQueriesRunConcurrentlyWithinTheBound() {
    int bound = 3;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    CyclicBarrier allBoundIn = new CyclicBarrier(bound);
    AtomicInteger first = new AtomicInteger();
    fake.searchScript =
        c -> {
          int now = inside.incrementAndGet();
          maxInside.accumulateAndGet(now, Math::max);
          try {
            if (first.getAndIncrement() < bound) {
              // the first `bound` queries meet here: proof that the client sends that many at once
              allBoundIn.await(20, TimeUnit.SECONDS);
            }
            return Reply.NORMAL;
          } catch (Exception e) {
            return new Reply.Status(500, FakeVespa.searchError(5, "Unspecified", "barrier: " + e));
          } finally {
            inside.decrementAndGet();
          }
        };
    List<RetrievalQuery> queries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      queries.add(new RetrievalQuery("caption number " + (i % 8), 2));
    }
    try (Retriever r = provider.open(config(fake, "query.max-in-flight", String.valueOf(bound)))) {
      List<List<RetrievedItem>> all = r.retrieveAll(queries);
      fake.searchScript = c -> Reply.NORMAL;
      assertThat(all).hasSize(20);
      for (int i = 0; i < queries.size(); i++) {
        assertThat(all.get(i)).isEqualTo(r.retrieve(queries.get(i)));
        assertThat(all.get(i).get(0).id()).isEqualTo("p" + (i % 8));
      }
    }
    assertThat(maxInside.get()).isEqualTo(bound);
  }

  @Test
  void tiesAreOrderedById() throws Exception {
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      for (String id : List.of("t5", "t1", "t4", "t2", "t3")) {
        w.add(new ImageTextPair(id, "identical twin text", List.of(), null));
      }
    }
    try (Retriever r = provider.open(config(fake))) {
      assertThat(r.retrieve(new RetrievalQuery("twin", 5))).extracting(RetrievedItem::id).containsExactly("t1", "t2", "t3", "t4", "t5");
    }
  }
}
