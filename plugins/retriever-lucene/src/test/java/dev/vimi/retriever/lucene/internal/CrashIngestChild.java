package dev.vimi.retriever.lucene.internal;

import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.ProviderConfig;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process that {@link CrashResumeTest} kills: ingests a JSONL file with small commit batches and
 * prints {@code COMMITTED <pairs>} after each commit. Never returns normally while the parent waits.
 */
public final class CrashIngestChild {
  private CrashIngestChild() {}

  public static void main(String[] args) throws Exception {
    Path memory = Path.of(args[0]);
    Path jsonl = Path.of(args[1]);
    String commitEvery = args[2];
    ProviderConfig config =
        ProviderConfig.of(
            "retriever lucene",
            // commits by count only (the time bound is CommitCadenceTest's), so the parent can check whole batches
            Map.of("index.dir", memory.toString(), "commit.every", commitEvery, "commit.interval.seconds", "3600"));
    LuceneMemoryWriter w = (LuceneMemoryWriter) new LuceneRetrieverProvider().openWriter(config);
    long commits = 0;
    long n = 0;
    try (PairReader r = PairReaders.open(jsonl, ReadOptions.defaults())) {
      while (r.hasNext()) {
        w.add(r.next());
        if (++n % 50 == 0) {
          Thread.sleep(2); // stretch the ingest so that the kill lands in the middle of it
        }
        if (w.counts().commits() > commits) {
          commits = w.counts().commits();
          System.out.println("COMMITTED " + w.count());
          System.out.flush();
        }
      }
    }
    w.close();
    System.out.println("DONE " + w.count());
  }
}
