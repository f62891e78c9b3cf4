import dev.vimi.api.Plugins;
import dev.vimi.augment.AugmentListener;
import dev.vimi.augment.AugmentResult;
import dev.vimi.augment.DatasetAugmenter;
import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.TaskInstruction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Retrieval-augmented pretraining data of ViMi-tiny, built by the SDK itself: ingests the embedded
 * emoji memory (pairs.jsonl, read by vimi-memory-formats' JSONL pair reader, in file order on one
 * thread) into a Lucene memory with the retriever's defaults, then runs the SDK's dataset builder
 * (dev.vimi.augment.DatasetAugmenter of vimi-augment, what `vimi augment` runs) with the t2v task and
 * K=3 over the training captions. The equivalent command line, once the CLI is built:
 *
 * <pre>
 *   vimi augment --memory DIR --input work/data/captions.jsonl --output work/data/augmented.jsonl --k 3
 * </pre>
 *
 * Usage: java -cp $(models/vimi-tiny/tools/classpath.sh) models/vimi-tiny/tools/Augment.java
 *            MEMORY_SRC INDEX_DIR CAPTIONS OUT [K]
 */
public final class Augment {
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: Augment MEMORY_SRC INDEX_DIR CAPTIONS.jsonl OUT.jsonl [K]");
      System.exit(2);
    }
    Path src = Path.of(args[0]);
    Path index = Path.of(args[1]);
    Path captions = Path.of(args[2]);
    Path out = Path.of(args[3]);
    int k = args.length > 4 ? Integer.parseInt(args[4]) : DatasetAugmenter.DEFAULT_K;
    Plugins plugins = Plugins.discover();
    RetrieverProvider lucene = plugins.retrievers().get("lucene");
    ProviderConfig cfg = ProviderConfig.of("retriever lucene", Map.of("index.dir", index.toString()));
    if (!Files.isDirectory(index.resolve("lucene"))) {
      // one thread: the pairs enter the index in file order, so BM25's ties break as they always did
      try (MemoryWriter w = lucene.openWriter(cfg);
          PairReader pairs = PairReaders.open(src.resolve("pairs.jsonl"), ReadOptions.defaults())) {
        IngestJob.Result ingested = IngestJob.of(1, MalformedPolicy.FAIL, null).run(pairs, w);
        System.out.println("memory: " + ingested.added() + " pairs ingested into " + index);
      }
    }
    TaskInstruction t2v = plugins.tasks().get("t2v").create(ProviderConfig.empty("task t2v"));
    try (Retriever r = lucene.open(cfg)) {
      DatasetAugmenter aug =
          DatasetAugmenter.builder(r, t2v)
              .k(k)
              .threads(2)
              .listener(new AugmentListener() {})
              .build();
      AugmentResult res = aug.run(captions, out);
      System.out.printf("augmented %d records (%d resumed, %d without hits) in %s: %.0f records/s%n",
          res.written(), res.resumed(), res.withoutHits(), res.elapsed(), res.recordsPerSecond());
    }
  }
}
