package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest from files through the shared pump, with pairs the Lucene memory refuses. */
class LuceneIngestJobTest {
  @TempDir Path dir;

  @Test
  void pairsTheMemoryRefusesAreCountedOrStopTheJob() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String caption = i % 400 == 399 ? "long ".repeat(20_000) : "caption " + i;
      lines.add("{\"id\":\"q" + i + "\",\"caption\":\"" + caption + "\"}");
    }
    Path input = dir.resolve("in.jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
    ReadOptions read = ReadOptions.defaults().withMaxCaptionChars(1 << 20);
    ProviderConfig config = ProviderConfig.of("retriever lucene", Map.of("index.dir", dir.resolve("m").toString(), "max.caption.chars", "1000"));
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();

    try (LuceneMemoryWriter w = (LuceneMemoryWriter) provider.openWriter(config);
        PairReader r = PairReaders.open(input, read)) {
      assertThatThrownBy(() -> IngestJob.of(2, MalformedPolicy.FAIL, null).run(r, w))
          .isInstanceOf(InvalidInputException.class)
          // two threads: whichever over-long pair (q399, q799) a thread reaches first stops the job
          .hasMessageMatching("(?s).*the memory refused pair 'q(399|799)'.*")
          .hasMessageContaining("max.caption.chars=1000");
    }
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) provider.openWriter(config);
        PairReader r = PairReaders.open(input, read)) {
      IngestJob.Result result = IngestJob.of(2, MalformedPolicy.SKIP, null).run(r, w);
      assertThat(result.rejected()).isEqualTo(2);
      assertThat(result.added() + result.duplicates()).isEqualTo(998);
      assertThat(w.count()).isEqualTo(998);
    }
  }
}
