package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.internal.VespaTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.retriever.vespa.FeedReport;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Feeding and querying through the real code path against the fake cluster, without faults. */
class VespaRoundTripTest {
  private FakeVespa fake;
  private final VespaRetrieverProvider provider = new VespaRetrieverProvider();

  @BeforeEach
  void start() throws Exception {
    fake = FakeVespa.start();
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  @Test
  void feedsOverHttp2AndFindsPairsWithBm25() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    List<ImageTextPair> pairs =
        List.of(
            new ImageTextPair("a", "a red fox jumps over the lazy dog", List.of("animal"), ImageRef.of(Path.of("img/a.png"))),
            new ImageTextPair("b", "a blue boat on a calm lake", List.of("water", "boat"), ImageRef.of(URI.create("https://example.org/b.jpg"))),
            new ImageTextPair("c", "red roses in a garden", List.of(), ImageRef.ofBytes(png)),
            new ImageTextPair("d", "text only pair about a dog", List.of("text"), null));
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      assertThat(w.count()).isZero();
      for (ImageTextPair p : pairs) {
        assertThat(w.add(p)).isTrue();
      }
      w.commit();
      assertThat(w.count()).isEqualTo(4);
      assertThat(((VespaMemoryWriter) w).feedReport().landed()).isEqualTo(4);
    }
    assertThat(fake.documentIds()).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(fake.calls("feed").stream().filter(c -> !c.handshake()))
        .hasSize(4)
        .allSatisfy(c -> assertThat(c.httpVersion()).isEqualTo("HTTP/2.0"));
    JsonNode stored = fake.document("b");
    assertThat(stored.get("keywords").toString()).isEqualTo("[\"water\",\"boat\"]");
    assertThat(stored.get("image_kind").asText()).isEqualTo("uri");

    try (Retriever r = provider.open(config(fake))) {
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("red dog", 10));
      assertThat(hits).extracting(RetrievedItem::id).containsExactlyInAnyOrder("a", "c", "d");
      assertThat(hits.get(0).id()).isEqualTo("a"); // matches both words
      assertThat(hits).isSortedAccordingTo((x, y) -> Float.compare(y.score(), x.score()));
      RetrievedItem a = hits.get(0);
      assertThat(a.caption()).isEqualTo("a red fox jumps over the lazy dog");
      assertThat(a.image()).isEqualTo(ImageRef.of(Path.of("img/a.png")));
      RetrievedItem c = hits.stream().filter(h -> h.id().equals("c")).findFirst().orElseThrow();
      assertThat(c.image()).isEqualTo(ImageRef.ofBytes(png));
      RetrievedItem d = hits.stream().filter(h -> h.id().equals("d")).findFirst().orElseThrow();
      assertThat(d.image()).isNull();
      assertThat(r.retrieve(new RetrievalQuery("boat", 1)).get(0).image())
          .isEqualTo(ImageRef.of(URI.create("https://example.org/b.jpg")));
      assertThat(r.stats().pairs()).isEqualTo(4);
    }
  }

  @Test
  void sendsTheDocumentedQuery() throws Exception {
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      VespaTestSupport.pairs(5, "p").forEach(w::add);
    }
    try (Retriever r = provider.open(config(fake, "query.timeout-ms", "1500"))) {
      r.retrieve(new RetrievalQuery("caption -number \"of\" p:x", 3, Set.of("p1", "we\"ird\\id")));
    }
    FakeVespa.Call last = fake.calls("search").getLast();
    JsonNode body = new ObjectMapper().readTree(last.body());
    assertThat(body.get("yql").asText())
        .isEqualTo(
            "select pair_id, caption, image_kind, image_ref, image_bytes from vimi_pair where userQuery()"
                + " and !(pair_id contains \"p1\" or pair_id contains \"we\\\"ird\\\\id\")");
    assertThat(body.get("query").asText()).isEqualTo("caption -number \"of\" p:x");
    assertThat(body.get("ranking.profile").asText()).isEqualTo("bm25");
    assertThat(body.get("hits").asInt()).isEqualTo(3);
    assertThat(body.get("timeout").asText()).isEqualTo("1500ms");
    assertThat(body.get("model.type.syntax").asText()).isEqualTo("none");
    assertThat(body.get("model.type.composite").asText()).isEqualTo("or");
    assertThat(last.method()).isEqualTo("POST");
    assertThat(last.httpVersion()).isEqualTo("HTTP/1.1");
  }

  @Test
  void exclusionIsDoneInTheClusterSoKHitsRemain() throws Exception {
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      VespaTestSupport.pairs(6, "p").forEach(w::add);
    }
    try (Retriever r = provider.open(config(fake))) {
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("caption number 2 of p", 3, Set.of("p2")));
      assertThat(hits).hasSize(3).extracting(RetrievedItem::id).doesNotContain("p2");
    }
  }

  @Test
  void resumedIngestSkipsPairsThatLanded() throws Exception {
    List<ImageTextPair> pairs = VespaTestSupport.pairs(10, "r");
    try (MemoryWriter w = provider.openWriter(config(fake))) {
      pairs.subList(0, 6).forEach(w::add);
    }
    VespaMemoryWriter w = (VespaMemoryWriter) provider.openWriter(config(fake));
    try (w) {
      assertThat(w.count()).isEqualTo(6);
      pairs.forEach(w::add);
      w.add(pairs.get(9)); // the same id twice in one feed
      w.commit();
      FeedReport report = w.feedReport();
      assertThat(report.submitted()).isEqualTo(11);
      assertThat(report.landed()).isEqualTo(4);
      assertThat(report.duplicates()).isEqualTo(7);
      assertThat(report.failed()).isEmpty();
      assertThat(w.count()).isEqualTo(10);
    }
    assertThat(fake.documentCount()).isEqualTo(10);
  }
}
