package dev.vimi.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IngestReportTest {

  @Test
  void tallyGroupsByReasonInFirstSeenOrderAndKeepsASampleOfIds() {
    RejectionTally t = new RejectionTally();
    for (int i = 0; i < 30; i++) {
      t.record("duplicate captions", "c" + i);
    }
    t.record("decoded-pixel images", "px");
    t.record("duplicate captions", "c30");
    List<IngestReport.Rejection> r = t.snapshot();
    assertThat(r).extracting(IngestReport.Rejection::reason).containsExactly("duplicate captions", "decoded-pixel images");
    assertThat(r.get(0).count()).isEqualTo(31);
    assertThat(r.get(0).sampleIds()).hasSize(IngestReport.MAX_SAMPLE_IDS).startsWith("c0", "c1").doesNotContain("c30");
    assertThat(r.get(1).sampleIds()).containsExactly("px");
    assertThat(t.total()).isEqualTo(32);
  }

  @Test
  void tallyBoundsTheNumberOfReasons() {
    RejectionTally t = new RejectionTally();
    for (int i = 0; i < RejectionTally.MAX_REASONS + 10; i++) {
      t.record("reason " + i, "id" + i);
    }
    List<IngestReport.Rejection> r = t.snapshot();
    assertThat(r).hasSize(RejectionTally.MAX_REASONS + 1);
    assertThat(r.get(r.size() - 1).reason()).isEqualTo(RejectionTally.OTHER_REASONS);
    assertThat(r.get(r.size() - 1).count()).isEqualTo(10);
    assertThat(t.total()).isEqualTo(RejectionTally.MAX_REASONS + 10);
  }

  @Test
  void tallyCountsEveryRecordFromManyThreads() throws Exception {
    RejectionTally t = new RejectionTally();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int th = 0; th < 4; th++) {
        int base = th;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 5_000; i++) {
            t.record(i % 2 == 0 ? "even" : "odd", base + "-" + i);
          }
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(t.total()).isEqualTo(20_000);
    assertThat(t.snapshot()).extracting(IngestReport.Rejection::count).containsOnly(10_000L);
  }

  @Test
  void reportAddsUpAndSummarises() {
    IngestReport r =
        new IngestReport(7, 120, 3, List.of(new IngestReport.Rejection("duplicate captions", 2, List.of("a", "b"))), 4);
    assertThat(r.rejectedCount()).isEqualTo(2);
    assertThat(r.handled()).isEqualTo(129);
    assertThat(r.summary()).isEqualTo("120 added, 3 duplicates, 2 rejected (duplicate captions: 2), 4 pending");
    assertThat(IngestReport.atOpen(-1).summary()).isEqualTo("0 added, 0 duplicates, 0 rejected");
  }

  @Test
  void reportRefusesImpossibleFigures() {
    assertThatThrownBy(() -> new IngestReport(0, -1, 0, List.of(), 0)).hasMessageContaining("added=-1");
    assertThatThrownBy(() -> new IngestReport(-2, 0, 0, List.of(), 0)).hasMessageContaining("pairsAtOpen=-2");
    assertThatThrownBy(() -> new IngestReport.Rejection(" ", 1, List.of())).hasMessageContaining("needs a reason");
    assertThatThrownBy(() -> new IngestReport.Rejection("x", 0, List.of())).hasMessageContaining("at least one pair");
    assertThatThrownBy(() -> new IngestReport.Rejection("x", 1, List.of("a", "b"))).hasMessageContaining("at most 1 sample ids");
  }

  @Test
  void statsDetailsKeepTheirOrderAndRefuseOddKeys() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(MemoryStats.MEMORY, "/m");
    d.put(MemoryStats.ANALYZER, "english");
    d.put("document_type", "vimi_pair");
    MemoryStats s = new MemoryStats(1, 2, 3, d);
    d.clear();
    assertThat(s.details().keySet()).containsExactly("memory", "analyzer", "document_type");
    assertThat(new MemoryStats(1, -1, -1).details()).isEmpty();
    assertThatThrownBy(() -> new MemoryStats(1, 2, 3, Map.of("Document Type", "x"))).hasMessageContaining("'Document Type'");
  }
}
