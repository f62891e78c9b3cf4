package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.internal.VespaTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vimi.retriever.vespa.FeedReport;
import dev.vimi.retriever.vespa.VespaFeedException;
import dev.vimi.retriever.vespa.internal.FakeVespa.Reply;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import java.net.ServerSocket;
import java.util.concurrent.CountDownLatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feed against a cluster that misbehaves. Every test checks the writer's account: each pair
 * landed, was a duplicate, or is listed as failed with its reason; none is silently lost.
 */
class VespaFeedFaultsTest {
  private FakeVespa fake;
  private final VespaRetrieverProvider provider = new VespaRetrieverProvider();

  @BeforeEach
  void start() throws Exception {
    fake = FakeVespa.start();
  }

  /** Opened when the test ends: replies held back to simulate a slow cluster. */
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    fake.close();
  }

  private VespaMemoryWriter writer(String... more) {
    return (VespaMemoryWriter) provider.openWriter(config(fake, more));
  }

  private static String docId(FakeVespa.Call c) {
    return c.path().substring(c.path().lastIndexOf('/') + 1);
  }

  private static void assertAccounted(FeedReport r) {
    assertThat(r.pending()).isZero();
    assertThat(r.landed() + r.duplicates() + r.failed().size()).as("every pair accounted for").isEqualTo(r.submitted());
  }

  private int puts() {
    return (int) fake.calls("feed").stream().filter(c -> !c.handshake()).count();
  }

  @Test
  void aRejectedDocumentIsReportedWithVespasMessageAndTheRestLands() {
    fake.feedScript =
        c -> docId(c).equals("p3")
            ? new Reply.Status(400, "{\"pathId\":\"" + c.path() + "\",\"message\":\"Error in document 'id:vimi:vimi_pair::p3' - could not parse field 'caption'\"}")
            : Reply.NORMAL;
    VespaMemoryWriter w = writer();
    VespaTestSupport.pairs(10, "p").forEach(w::add);
    VespaFeedException e = catchThrowableOfType(VespaFeedException.class, w::commit);
    assertThat(e.failures()).extracting(FeedReport.FailedPair::id).containsExactly("p3");
    assertThat(e.failures().get(0).reason())
        .contains("Status 400")
        .contains("could not parse field 'caption'");
    assertThat(e).hasMessageContaining("1 pair did not land: 'p3' (Status 400");
    assertAccounted(e.report());
    assertThat(e.report().landed()).isEqualTo(9);
    // reported once: close() commits again and has nothing new to report
    w.close();
    assertThat(w.feedReport().failed()).hasSize(1);
    assertThat(fake.documentIds()).hasSize(9).doesNotContain("p3");
    // the rejected document was not retried
    assertThat(fake.calls("feed").stream().filter(c -> docId(c).equals("p3")).count()).isEqualTo(1);
  }

  @Test
  void backPressure429AndTransient503AreRetriedUntilEverythingLands() {
    fake.feedScript =
        c -> {
          if (c.handshake()) {
            return Reply.NORMAL;
          }
          int n = c.seq();
          if (n % 3 == 0) {
            return new Reply.Status(429, "{\"message\":\"Rejecting execution due to overload: 200 requests already in flight\"}");
          }
          if (n % 5 == 0 && n < 40) {
            return new Reply.Status(503, "{\"message\":\"Service unavailable: no content node reachable\"}");
          }
          return Reply.NORMAL;
        };
    try (VespaMemoryWriter w = writer()) {
      VespaTestSupport.pairs(30, "p").forEach(w::add);
      w.commit();
      assertThat(w.feedReport().landed()).isEqualTo(30);
      assertAccounted(w.feedReport());
    }
    assertThat(fake.documentCount()).isEqualTo(30);
    assertThat(puts()).isGreaterThan(30);
  }

  @Test
  void droppedConnectionsAreRetriedUntilEverythingLands() {
    fake.feedScript = c -> !c.handshake() && (c.seq() == 4 || c.seq() == 9) ? new Reply.Drop() : Reply.NORMAL;
    // a put in flight on the dropped connection is normally failed at once and retried; now and then (seen under
    // load) the client is not told and the put waits for its operation timeout. With the default timeout (longer
    // than the 15 s circuit breaker) the breaker then stopped the feed: a request timeout shorter than the
    // breaker's window is what an operator sets against half-dead connections, and what this case needs
    try (VespaMemoryWriter w = writer("feed.timeout-ms", "3000")) {
      VespaTestSupport.pairs(20, "p").forEach(w::add);
      w.commit();
      // a put whose reply was lost with the connection may have been written: its retry then finds
      // the document and counts as a duplicate. Either way the pair is in the memory.
      assertThat(w.feedReport().failed()).isEmpty();
      assertThat(w.feedReport().landed() + w.feedReport().duplicates()).isEqualTo(20);
      assertAccounted(w.feedReport());
    }
    assertThat(fake.documentCount()).isEqualTo(20);
  }

  @Test
  void aSlowReplyTimesOutAndIsReported() {
    fake.feedScript = c -> docId(c).equals("p2") ? new Reply.Hold(release, Reply.NORMAL) : Reply.NORMAL;
    VespaMemoryWriter w = writer("feed.timeout-ms", "2000");
    VespaTestSupport.pairs(6, "p").forEach(w::add);
    VespaFeedException e = catchThrowableOfType(VespaFeedException.class, w::commit);
    assertThat(e.failures()).extracting(FeedReport.FailedPair::id).containsExactly("p2");
    assertThat(e.failures().get(0).reason()).containsIgnoringCase("timed out");
    assertThat(e.report().landed()).isEqualTo(5);
    assertAccounted(e.report());
    w.close();
  }

  @Test
  void aMalformedReplyIsReportedForItsPair() {
    fake.feedScript = c -> docId(c).equals("p1") ? new Reply.Status(200, "this is not JSON") : Reply.NORMAL;
    VespaMemoryWriter w = writer();
    VespaTestSupport.pairs(4, "p").forEach(w::add);
    VespaFeedException e = catchThrowableOfType(VespaFeedException.class, w::commit);
    assertThat(e.failures()).extracting(FeedReport.FailedPair::id).containsExactly("p1");
    assertAccounted(e.report());
    w.close();
  }

  @Test
  void a5xxStormOpensTheCircuitBreakerWhichStopsTheFeed() {
    fake.feedScript =
        c -> c.handshake() ? Reply.NORMAL : new Reply.Status(503, "{\"message\":\"Service unavailable: content cluster down\"}");
    VespaMemoryWriter w = writer("feed.grace-ms", "100", "feed.doom-ms", "800", "feed.retries", "1000000");
    List<String> submitted = new ArrayList<>();
    List<FeedReport.FailedPair> reported = new ArrayList<>();
    VespaFeedException stopped = null;
    for (ImageTextPair p : VespaTestSupport.pairs(1000, "p")) {
      try {
        w.add(p);
        submitted.add(p.id());
      } catch (VespaFeedException e) {
        stopped = e;
        break;
      }
    }
    // add() blocks while the feed client throttles, so the breaker opens during the loop and stops it
    assertThat(stopped).as("add() stopped the feed").isNotNull();
    assertThat(stopped)
        .hasMessageContaining("circuit breaker opened after no write succeeded for 800 ms (feed.doom-ms)")
        .hasMessageContaining("resume the ingest");
    reported.addAll(stopped.failures());
    try {
      w.commit();
    } catch (VespaFeedException e) {
      reported.addAll(e.failures());
    }
    // every pair that was sent is listed as not landed, each with the cluster's last answer
    assertThat(reported).extracting(FeedReport.FailedPair::id).containsExactlyInAnyOrderElementsOf(submitted);
    assertThat(reported).allSatisfy(f -> assertThat(f.reason()).contains("feed stopped: circuit breaker open"));
    assertThat(reported).anySatisfy(f -> assertThat(f.reason()).contains("Status 503").contains("content cluster down"));
    assertThat(w.feedReport().breakerOpen()).isTrue();
    assertThat(w.feedReport().landed()).isZero();
    assertAccounted(w.feedReport());
    // the feed does not hammer the cluster any more: add() refuses without sending
    int sent = puts();
    assertThatThrownBy(() -> w.add(new ImageTextPair("late", "one more pair", null)))
        .isInstanceOf(VespaFeedException.class)
        .hasMessageContaining("circuit breaker opened");
    assertThat(puts()).isEqualTo(sent);
    assertThat(w.feedReport().submitted()).isEqualTo(submitted.size());
    w.close();
    assertThat(fake.documentCount()).isZero();
  }

  @Test
  void serverErrorsFailFastAndMaxFailuresStopsTheFeed() {
    fake.feedScript =
        c -> c.handshake() ? Reply.NORMAL : new Reply.Status(500, "{\"message\":\"Internal server error: disk full?\"}");
    VespaMemoryWriter w = writer("feed.max-failures", "5", "feed.doom-ms", "600000", "feed.grace-ms", "600000");
    VespaTestSupport.pairs(5, "p").forEach(w::add);
    VespaFeedException e = catchThrowableOfType(VespaFeedException.class, w::commit);
    assertThat(e.failures()).hasSize(5).allSatisfy(f -> assertThat(f.reason()).contains("Status 500").contains("disk full?"));
    assertThat(puts()).isEqualTo(5); // 500 is not retried
    assertThatThrownBy(() -> w.add(new ImageTextPair("p9", "more", null)))
        .isInstanceOf(VespaFeedException.class)
        .hasMessageContaining("stopped after 5 pairs failed (feed.max-failures=5)");
    w.close();
  }

  @Test
  void aFailedHandshakeIsAClearError() {
    fake.feedScript =
        c -> c.handshake() ? new Reply.Status(500, "{\"pathId\":\"" + c.path() + "\",\"message\":\"container is shutting down\"}") : Reply.NORMAL;
    assertThatThrownBy(this::writer)
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("Vespa document API at " + fake.endpoint() + " rejected the feed handshake with HTTP 500")
        .hasMessageContaining("container is shutting down");
  }

  @Test
  void anEndpointThatIsDownFailsWhenOpening() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProviderConfig cfg = config(fake, "retry.max-attempts", "2").with("endpoint", "http://127.0.0.1:" + port);
    assertThatThrownBy(() -> provider.openWriter(cfg))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageContaining("http://127.0.0.1:" + port);
  }

  @Test
  void decodedPixelsAreRefusedBeforeSending() {
    try (VespaMemoryWriter w = writer()) {
      ImageTextPair pixels = new ImageTextPair("px", "a pixel image", new ImageRef.OfPixels(1, 1, new int[] {0xff00ff00}));
      assertThatThrownBy(() -> w.add(pixels))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("pair 'px' holds decoded pixels");
      assertThat(w.feedReport().submitted()).isZero();
    }
    assertThat(puts()).isZero();
  }

  @Test
  void feedHeadersCarryTheTokenOnlyWhenConfigured() {
    try (VespaMemoryWriter w = writer()) {
      w.add(new ImageTextPair("a", "caption", null));
    }
    Set<String> auth = fake.calls("feed").stream().map(c -> String.valueOf(c.header("authorization"))).collect(Collectors.toSet());
    assertThat(auth).containsExactly("null");
    // the feed client's own requests (not the writer's dry-run check, which goes through java.net.http)
    assertThat(fake.calls("feed").stream().filter(c -> c.header("user-agent").startsWith("vespa-feed-client")))
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(c -> assertThat(c.httpVersion()).isEqualTo("HTTP/2.0"));
  }
}
