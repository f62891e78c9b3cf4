package dev.vimi.cli;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.MemoryFormat;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadCounts;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.memory.formats.SkipReason;
import dev.vimi.retriever.lucene.IngestCounts;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.retriever.lucene.LuceneMemoryWriter;
import dev.vimi.retriever.lucene.LuceneRetriever;
import dev.vimi.retriever.lucene.LuceneRetrieverProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.ProviderConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vimi memory ingest}: adds image-text pairs from files to a memory. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Add image-text pairs to a memory, creating it if needed.",
      "Sources: .jsonl (id, caption, keywords, image), .tsv (id<TAB>caption[<TAB>image]), a folder of images with"
          + " .txt/.json sidecar captions, .tar WebDataset shards or a folder of them. .gz files are decompressed.",
      "Resumable: ids already in the memory are skipped, so after an interruption run the same command again."
    })
final class MemoryIngestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "SOURCE", description = "Files or folders to read, in order.")
  List<Path> sources;

  @Option(names = {"-m", "--memory"}, paramLabel = "DIR", description = "Memory folder to add to (created if missing); required with --retriever lucene.")
  Path memory;

  @Option(names = "--retriever", defaultValue = "lucene", description = "lucene (default: the folder --memory) or vespa (a Vespa cluster, see --endpoint).")
  String retriever;

  @Option(names = "--endpoint", paramLabel = "URL", description = "With --retriever vespa: the Vespa container cluster, e.g. http://localhost:8080.")
  String endpoint;

  @Option(names = "--format", defaultValue = "auto", description = "jsonl, tsv, folder, webdataset, or auto (from the name; default).")
  String format;

  @Option(names = "--on-malformed", defaultValue = "fail", description = "fail (default) or skip: skip, count and log bad records.")
  String onMalformed;

  @Option(names = "--threads", paramLabel = "N", description = "Indexing threads (default: all processors).")
  Integer threads;

  @Option(names = "--commit-seconds", paramLabel = "S", description = "Most seconds between commits: about the most work a crash can lose (default ${DEFAULT-VALUE}).",
      defaultValue = "" + LuceneMemoryConfig.DEFAULT_COMMIT_INTERVAL_SECONDS)
  int commitSeconds;

  @Option(names = "--commit-every", paramLabel = "N", description = "Most pairs between commits, whichever bound comes first (default ${DEFAULT-VALUE}).",
      defaultValue = "" + LuceneMemoryConfig.DEFAULT_COMMIT_EVERY)
  int commitEvery;

  @Option(names = "--images", defaultValue = "reference", description = "reference (default) or inline: keep image bytes inside the memory.")
  String images;

  @Option(names = "--analyzer", description = "english (default for a new memory), standard, simple, whitespace, or an Analyzer class.")
  String analyzer;

  @Option(names = "--keep-duplicate-captions", description = "Keep pairs whose caption equals an earlier pair's (default: skip them).")
  boolean keepDuplicateCaptions;

  @Option(names = "--max-caption-chars", paramLabel = "N", defaultValue = "65536", description = "Longest caption accepted (default ${DEFAULT-VALUE}).")
  int maxCaptionChars;

  @Option(names = "--no-verify-images", description = "Do not check that image files exist and are complete.")
  boolean noVerifyImages;

  @Option(names = "--optimize", description = "Merge the memory into one segment at the end (faster searches).")
  boolean optimize;

  @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none (default: a bar on a terminal, lines otherwise).")
  String progress;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MalformedPolicy policy = policy(onMalformed);
    ReadOptions read =
        ReadOptions.defaults().withOnMalformed(policy).withMaxCaptionChars(maxCaptionChars).withVerifyImages(!noVerifyImages);
    if (VespaMemory.selected(retriever, endpoint, memory)) {
      if (analyzer != null || optimize || keepDuplicateCaptions || !images.equals("reference")) {
        throw new ConfigurationException("--analyzer, --optimize, --keep-duplicate-captions and --images are for Lucene memories");
      }
      int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
      return VespaMemory.ingest(endpoint, sources, format, policy, read, t, ProgressBar.Mode.parse(progress), out, err);
    }
    if (memory == null) {
      throw new ConfigurationException("--memory DIR is required: the Lucene memory folder to add to (or use --retriever vespa --endpoint URL)");
    }
    Map<String, String> cfg = new HashMap<>();
    cfg.put(LuceneMemoryConfig.INDEX_DIR, memory.toString());
    cfg.put(LuceneMemoryConfig.COMMIT_EVERY, Integer.toString(commitEvery));
    cfg.put(LuceneMemoryConfig.COMMIT_INTERVAL_SECONDS, Integer.toString(commitSeconds));
    cfg.put(LuceneMemoryConfig.IMAGES, images);
    cfg.put(LuceneMemoryConfig.DEDUP_CAPTIONS, Boolean.toString(!keepDuplicateCaptions));
    cfg.put(LuceneMemoryConfig.MAX_CAPTION_CHARS, Integer.toString(maxCaptionChars));
    if (analyzer != null) {
      cfg.put(LuceneMemoryConfig.ANALYZER, analyzer);
    }
    ProviderConfig config = ProviderConfig.of("retriever lucene", cfg);
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1 || n > 256) {
      throw new InvalidInputException("--threads", "must be in [1, 256] but is " + n);
    }
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();
    long start = System.nanoTime();
    ReadCounts readCounts = ReadCounts.none();
    long rejected = 0;
    IngestCounts counts;
    try (LuceneMemoryWriter w = provider.openWriter(config)) {
      if (w.count() > 0) {
        err.println("The memory " + memory + " holds " + Format.count(w.count()) + " pairs; pairs already in it are skipped.");
      }
      for (Path source : sources) {
        MemoryFormat f = format.equalsIgnoreCase("auto") ? MemoryFormat.detect(source) : MemoryFormat.parse(format);
        try (PairReader r = PairReaders.open(source, f, read);
            ProgressBar bar = new ProgressBar(err, mode, shortName(source), "pairs")) {
          IngestJob.Result res = IngestJob.of(n, policy, p -> bar.update(p.fraction(), p.read(), lastCommit(p))).run(r, w);
          readCounts = readCounts.plus(res.reader());
          rejected += res.rejected();
        }
      }
      if (optimize) {
        err.println("Merging the memory into one segment ...");
        w.optimize(1);
      }
      counts = w.counts();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    MemoryStats stats;
    try (LuceneRetriever r = provider.open(config)) {
      stats = r.stats();
    }
    out.printf(
        Locale.ROOT,
        "Ingested %s pairs from %d source%s into %s in %s (%s pairs/s).%n",
        Format.count(readCounts.read()),
        sources.size(),
        sources.size() == 1 ? "" : "s",
        memory,
        Format.seconds(took),
        Format.rate(readCounts.read() / Math.max(1e-9, took.toNanos() / 1e9)));
    out.printf(Locale.ROOT, "  added:                %s%n", Format.count(counts.added()));
    out.printf(Locale.ROOT, "  already present (id): %s%n", Format.count(counts.duplicateIds()));
    out.printf(Locale.ROOT, "  duplicate captions:   %s%s%n", Format.count(counts.duplicateCaptions()),
        keepDuplicateCaptions ? "" : " (skipped; --keep-duplicate-captions keeps them)");
    out.printf(Locale.ROOT, "  skipped records:      %s%n", Format.count(readCounts.skipped()));
    for (Map.Entry<SkipReason, Long> e : readCounts.skippedByReason().entrySet()) {
      out.printf(Locale.ROOT, "    %-30s %s%n", e.getKey().description() + ":", Format.count(e.getValue()));
    }
    if (rejected > 0) {
      out.printf(Locale.ROOT, "  refused by the memory: %s%n", Format.count(rejected));
    }
    out.printf(
        Locale.ROOT,
        "The memory now holds %s pairs, %s distinct terms, %s on disk.%n",
        Format.count(stats.pairs()),
        Format.count(stats.distinctTerms()),
        Format.bytes(stats.bytesOnDisk()));
    return 0;
  }

  /** "last commit 1,200,000 pairs 4 s ago": what a crash now would keep. */
  static String lastCommit(IngestJob.Progress p) {
    if (p.lastCommit() == null) {
      return "no commit yet";
    }
    long ago = Math.max(0, Duration.between(p.lastCommit().time(), java.time.Instant.now()).toSeconds());
    return String.format(Locale.ROOT, "last commit %s pairs %d s ago", Format.count(p.lastCommit().pairs()), ago);
  }

  static MalformedPolicy policy(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "fail" -> MalformedPolicy.FAIL;
      case "skip" -> MalformedPolicy.SKIP;
      default -> throw new IllegalArgumentException("--on-malformed must be fail or skip, not '" + s + "'");
    };
  }

  private static String shortName(Path p) {
    Path f = p.getFileName();
    String s = f == null ? p.toString() : f.toString();
    return s.length() > 24 ? s.substring(0, 21) + "..." : s;
  }
}
