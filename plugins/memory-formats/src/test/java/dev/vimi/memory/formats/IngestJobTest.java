package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.Retriever;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the ingest pump against the reference in-memory retriever of the compat suite. */
class IngestJobTest {
  @TempDir Path dir;

  private Path jsonl(int n, int badEvery) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(badEvery > 0 && i % badEvery == badEvery - 1 ? "{broken" : "{\"id\":\"p" + i + "\",\"caption\":\"pair number " + i + " word" + (i % 10) + "\"}");
    }
    Path f = dir.resolve("in-" + n + "-" + badEvery + ".jsonl");
    Files.write(f, lines, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void pumpsEverythingWithSeveralThreadsAndCountsDuplicatesOnARerun() throws IOException {
    Path input = jsonl(3_000, 0);
    InMemoryRetrieverProvider provider = new InMemoryRetrieverProvider();
    ProviderConfig config = provider.selfTest(dir).orElseThrow().config();
    List<IngestJob.Progress> seen = new CopyOnWriteArrayList<>();
    IngestJob job = IngestJob.of(3, MalformedPolicy.FAIL, seen::add);
    try (MemoryWriter w = provider.openWriter(config);
        PairReader r = PairReaders.open(input, ReadOptions.defaults())) {
      IngestJob.Result result = job.run(r, w);
      assertThat(result.added()).isEqualTo(3_000);
      assertThat(result.duplicates()).isZero();
      assertThat(result.reader().read()).isEqualTo(3_000);
      assertThat(w.count()).isEqualTo(3_000);
    }
    IngestJob.Progress last = seen.get(seen.size() - 1);
    assertThat(last.read()).isEqualTo(3_000);
    assertThat(last.added()).isEqualTo(3_000);
    assertThat(last.fraction()).isEqualTo(1.0);

    try (MemoryWriter w = provider.openWriter(config);
        PairReader r = PairReaders.open(input, ReadOptions.defaults())) {
      IngestJob.Result again = IngestJob.of(2, MalformedPolicy.FAIL, null).run(r, w);
      assertThat(again.added()).isZero();
      assertThat(again.duplicates()).isEqualTo(3_000);
    }
    try (Retriever ret = provider.open(config)) {
      assertThat(ret.stats().pairs()).isEqualTo(3_000);
      assertThat(ret.retrieve(new RetrievalQuery("pair number 1234", 1)).get(0).id()).isEqualTo("p1234");
    }
  }

  @Test
  void aMalformedRecordStopsTheJobUnderFailAndIsCountedUnderSkip() throws IOException {
    Path input = jsonl(2_000, 700);
    InMemoryRetrieverProvider provider = new InMemoryRetrieverProvider();
    ProviderConfig config = provider.selfTest(dir).orElseThrow().config();
    try (MemoryWriter w = provider.openWriter(config);
        PairReader r = PairReaders.open(input, ReadOptions.defaults())) {
      assertThatThrownBy(() -> IngestJob.of(2, MalformedPolicy.FAIL, null).run(r, w))
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("line 700");
      assertThat(w.count()).as("every pair before the bad line was added").isEqualTo(699);
    }
    try (MemoryWriter w = provider.openWriter(config);
        PairReader r = PairReaders.open(input, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      IngestJob.Result result = IngestJob.of(2, MalformedPolicy.FAIL, null).run(r, w);
      assertThat(result.reader().skippedByReason()).containsEntry(SkipReason.MALFORMED_RECORD, 2L);
      assertThat(result.added() + result.duplicates()).isEqualTo(1_998);
      assertThat(w.count()).isEqualTo(1_998);
    }
  }

  @Test
  void threadCountIsChecked() {
    assertThatThrownBy(() -> IngestJob.of(0, MalformedPolicy.FAIL, null)).hasMessageContaining("[1, 256]");
  }
}
