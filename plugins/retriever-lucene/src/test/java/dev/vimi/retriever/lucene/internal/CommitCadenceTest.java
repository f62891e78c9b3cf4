package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commits bound a crash's loss by time first (seconds of work), with a pair cap; the last one is reported. */
class CommitCadenceTest {
  private static final LuceneRetrieverProvider PROVIDER = new LuceneRetrieverProvider();

  @TempDir Path dir;

  private ProviderConfig config(String... kv) {
    Map<String, String> m = new java.util.HashMap<>(Map.of("index.dir", dir.resolve("m").toString()));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return ProviderConfig.of("retriever lucene", m);
  }

  private int committedPairs() throws IOException {
    try (FSDirectory d = FSDirectory.open(dir.resolve("m/lucene"));
        DirectoryReader r = DirectoryReader.open(d)) {
      return r.numDocs();
    }
  }

  private static ImageTextPair pair(int i) {
    return new ImageTextPair("p" + i, "caption number " + i, List.of(), null);
  }

  @Test
  void theDefaultBoundsTheLossToSecondsWithAPairCap() {
    LuceneMemoryConfig c = LuceneMemoryConfig.from(config());
    assertThat(c.commitIntervalSeconds()).isEqualTo(10);
    assertThat(c.commitEvery()).isEqualTo(1_000_000);
  }

  @Test
  void aCommitFollowsTheIntervalWithoutAnyCall() throws Exception {
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config("commit.interval.seconds", "1"))) {
      assertThat(w.lastCommit()).as("a new memory has no commit yet").isEmpty();
      w.add(pair(0));
      w.add(pair(1));
      Thread.sleep(1_100); // longer than the interval: the next add commits everything before it
      w.add(pair(2));
      // what a kill -9 now would keep: the committed index, read by another reader
      assertThat(committedPairs()).isEqualTo(3);
      assertThat(w.lastCommit()).hasValueSatisfying(c -> assertThat(c.pairs()).isEqualTo(3));
      w.add(pair(3));
      assertThat(committedPairs()).as("the next interval has not passed").isEqualTo(3);
    }
  }

  @Test
  void thePairCapCommitsAFastIngestBeforeTheInterval() throws Exception {
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config("commit.every", "50", "commit.interval.seconds", "3600"))) {
      for (int i = 0; i < 120; i++) {
        w.add(pair(i));
      }
      assertThat(committedPairs()).isEqualTo(100);
      assertThat(w.counts().commits()).isEqualTo(2);
    }
  }

  @Test
  void progressCarriesTheLastCommitAndAReopenedMemoryKnowsItsOwn() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      lines.add("p" + i + "\tcaption number " + i);
    }
    Path tsv = Files.write(dir.resolve("in.tsv"), lines);
    List<IngestJob.Progress> seen = new ArrayList<>();
    Instant before = Instant.now();
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config());
        PairReader r = PairReaders.open(tsv, ReadOptions.defaults())) {
      IngestJob.of(1, MalformedPolicy.FAIL, seen::add).run(r, w);
    }
    IngestJob.Progress last = seen.get(seen.size() - 1);
    assertThat(last.lastCommit()).isNotNull();
    assertThat(last.lastCommit().pairs()).isEqualTo(2_000);
    assertThat(last.lastCommit().time()).isAfterOrEqualTo(before.minusSeconds(1));

    try (LuceneMemoryWriter w = (LuceneMemoryWriter) PROVIDER.openWriter(config())) {
      MemoryWriter.Commit c = w.lastCommit().orElseThrow();
      assertThat(c.pairs()).isEqualTo(2_000);
      assertThat(c.time()).isBeforeOrEqualTo(Instant.now());
    }
  }
}
