package dev.vimi.cli;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.MemoryFormat;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadCounts;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.memory.formats.SkipReason;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vimi memory ingest}: adds image-text pairs from files to a memory, a Lucene folder or a Vespa
 * cluster, through the writer of the retriever provider of that name ({@link MemoryWriter}); what is
 * printed is the writer's own account ({@link MemoryWriter#report()}).
 */
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

  @Option(
      names = "--retriever",
      defaultValue = "lucene",
      description = "The retriever provider: lucene (default: the folder --memory), vespa (a Vespa cluster, see --endpoint), or any other installed retriever that can ingest, configured with --retriever-config.")
  String retriever;

  @Option(
      names = "--retriever-config",
      paramLabel = "KEY=VALUE",
      description = "A configuration key of the retriever (repeatable; see its README). For a retriever other than lucene and vespa, its whole configuration.")
  Map<String, String> retrieverConfig = new LinkedHashMap<>();

  @Option(names = "--endpoint", paramLabel = "URL", description = "With --retriever vespa: the Vespa container cluster, e.g. http://localhost:8080.")
  String endpoint;

  @Option(names = "--format", defaultValue = "auto", description = "jsonl, tsv, folder, webdataset, or auto (from the name; default).")
  String format;

  @Option(names = "--on-malformed", defaultValue = "fail", description = "fail (default) or skip: skip, count and log bad records.")
  String onMalformed;

  @Option(names = "--threads", paramLabel = "N", description = "Indexing threads (default: all processors).")
  Integer threads;

  @Option(names = "--commit-seconds", paramLabel = "S", description = "Most seconds between commits: about the most work a crash can lose (default: the memory's, 10 for lucene).")
  Integer commitSeconds;

  @Option(names = "--commit-every", paramLabel = "N", description = "Most pairs between commits, whichever bound comes first (default: the memory's, 1000000 for lucene).")
  Integer commitEvery;

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
    boolean vespa = VespaMemory.selected(retriever, endpoint, memory);
    String name;
    ProviderConfig config;
    String into;
    String subject;
    if (vespa) {
      if (analyzer != null || optimize || keepDuplicateCaptions || !images.equals("reference")) {
        throw new ConfigurationException("--analyzer, --optimize, --keep-duplicate-captions and --images are for Lucene memories");
      }
      name = Memories.VESPA;
      Map<String, String> cfg = new HashMap<>(VespaMemory.config(endpoint).asMap());
      cfg.putAll(retrieverConfig);
      config = ProviderConfig.of("retriever " + name, cfg);
      into = "Vespa at " + endpoint;
      subject = "The Vespa memory at " + endpoint;
    } else if (!retriever.toLowerCase(Locale.ROOT).equals(Memories.LUCENE)) {
      // another installed retriever (VespaMemory.selected checked that it is): its own keys only
      if (analyzer != null || optimize || keepDuplicateCaptions || !images.equals("reference") || commitEvery != null || commitSeconds != null) {
        throw new ConfigurationException(
            "--analyzer, --optimize, --keep-duplicate-captions, --images, --commit-every and --commit-seconds are for Lucene"
                + " memories; give retriever '" + retriever + "' its keys with --retriever-config KEY=VALUE");
      }
      name = retriever.toLowerCase(Locale.ROOT);
      config = ProviderConfig.of("retriever " + name, retrieverConfig);
      into = "retriever " + name + " " + retrieverConfig;
      subject = "The memory of retriever " + name;
    } else {
      if (memory == null) {
        throw new ConfigurationException("--memory DIR is required: the Lucene memory folder to add to (or use --retriever vespa --endpoint URL)");
      }
      name = Memories.LUCENE;
      config = ProviderConfig.of("retriever " + name, luceneConfig());
      into = memory.toString();
      subject = "The memory " + memory;
    }
    int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (n < 1 || n > 256) {
      throw new InvalidInputException("--threads", "must be in [1, 256] but is " + n);
    }
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    RetrieverProvider provider = Memories.provider(name);
    long start = System.nanoTime();
    ReadCounts readCounts = ReadCounts.none();
    MemoryWriter w = provider.openWriter(config);
    try (w) {
      if (optimize && !w.supportsOptimize()) {
        throw new ConfigurationException("--optimize: the " + name + " memory cannot be optimized; leave out --optimize");
      }
      if (w.count() > 0) {
        err.println(subject + " holds " + Format.count(w.count()) + " pairs; pairs already in it are skipped.");
      }
      for (Path source : sources) {
        MemoryFormat f = format.equalsIgnoreCase("auto") ? MemoryFormat.detect(source) : MemoryFormat.parse(format);
        try (PairReader r = PairReaders.open(source, f, read);
            ProgressBar bar = new ProgressBar(err, mode, shortName(source), "pairs")) {
          IngestJob.Result res = IngestJob.of(n, policy, p -> bar.update(p.fraction(), p.read(), lastCommit(p))).run(r, w);
          readCounts = readCounts.plus(res.reader());
        }
      }
      if (optimize) {
        err.println("Merging the memory into one segment ...");
        w.optimize();
      }
    }
    // the final account, after close() committed
    IngestReport report = w.report();
    long count = w.count();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    MemoryStats stats;
    try (Retriever r = provider.open(config)) {
      stats = r.stats();
    }
    out.printf(
        Locale.ROOT,
        "Ingested %s pairs from %d source%s into %s in %s (%s pairs/s).%n",
        Format.count(readCounts.read()),
        sources.size(),
        sources.size() == 1 ? "" : "s",
        into,
        Format.seconds(took),
        Format.rate(readCounts.read() / Math.max(1e-9, took.toNanos() / 1e9)));
    out.printf(Locale.ROOT, "  added:                %s%n", Format.count(report.added()));
    out.printf(Locale.ROOT, "  already present (id): %s%n", Format.count(report.duplicates()));
    for (IngestReport.Rejection rej : report.rejected()) {
      out.printf(Locale.ROOT, "  %-21s %s%s%n", CliTerms.translate(rej.reason()) + ":", Format.count(rej.count()), CliTerms.remedy(rej.reason()));
    }
    out.printf(Locale.ROOT, "  skipped records:      %s%n", Format.count(readCounts.skipped()));
    for (Map.Entry<SkipReason, Long> e : readCounts.skippedByReason().entrySet()) {
      out.printf(Locale.ROOT, "    %-30s %s%n", e.getKey().description() + ":", Format.count(e.getValue()));
    }
    StringBuilder holds = new StringBuilder(Format.count(count)).append(" pairs");
    if (stats.distinctTerms() >= 0) {
      holds.append(", ").append(Format.count(stats.distinctTerms())).append(" distinct terms");
    }
    if (stats.bytesOnDisk() >= 0) {
      holds.append(", ").append(Format.bytes(stats.bytesOnDisk())).append(" on disk");
    }
    out.printf(Locale.ROOT, "The memory now holds %s.%n", holds);
    return 0;
  }

  /** The keys of the lucene retriever that the options set; what is not given is the memory's default. */
  private Map<String, String> luceneConfig() {
    Map<String, String> cfg = new HashMap<>();
    cfg.put(Memories.INDEX_DIR, memory.toString());
    if (commitEvery != null) {
      cfg.put(Memories.COMMIT_EVERY, Integer.toString(commitEvery));
    }
    if (commitSeconds != null) {
      cfg.put(Memories.COMMIT_INTERVAL_SECONDS, Integer.toString(commitSeconds));
    }
    cfg.put(Memories.IMAGES, images);
    cfg.put(Memories.DEDUP_CAPTIONS, Boolean.toString(!keepDuplicateCaptions));
    cfg.put(Memories.MAX_CAPTION_CHARS, Integer.toString(maxCaptionChars));
    if (analyzer != null) {
      cfg.put(Memories.ANALYZER, analyzer);
    }
    cfg.putAll(retrieverConfig);
    return cfg;
  }

  /** "last commit 1,200,000 pairs 4 s ago": what a crash now would keep. */
  static String lastCommit(IngestJob.Progress p) {
    if (p.lastCommit() == null) {
      return ""; // none yet, or a writer that cannot tell
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
