package dev.vimi.retriever.lucene;

import dev.vimi.retriever.lucene.internal.Analyzers;
import dev.vimi.retriever.lucene.internal.LuceneRetrieverProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of a Lucene memory, read from a {@link ProviderConfig} (keys in {@link
 * LuceneRetrieverProvider}). Immutable.
 *
 * @param indexDir the folder of the Lucene index ({@value #INDEX_DIR})
 * @param k1 BM25 term-frequency saturation ({@value #K1})
 * @param b BM25 length normalisation ({@value #B})
 * @param analyzer the analyzer name, or null to use the one the index was built with ({@value #ANALYZER})
 * @param commitEvery pairs between automatic commits of a writer ({@value #COMMIT_EVERY})
 * @param commitIntervalSeconds seconds between automatic commits of a writer ({@value #COMMIT_INTERVAL_SECONDS})
 * @param ramBufferMb indexing buffer before a segment is flushed ({@value #RAM_BUFFER_MB})
 * @param images how images are kept ({@value #IMAGES})
 * @param inlineMaxBytes largest image stored inline ({@value #INLINE_MAX_BYTES})
 * @param dedupCaptions whether a pair whose caption duplicates an earlier one is skipped ({@value #DEDUP_CAPTIONS})
 * @param maxCaptionChars longest caption (plus keywords) accepted ({@value #MAX_CAPTION_CHARS})
 * @param searchThreads threads of {@code retrieveAll} ({@value #SEARCH_THREADS})
 * @param verifyOnOpen when opening compares the checksums of every index file ({@value #VERIFY_ON_OPEN})
 * @param ingestMerges whether a writer merges segments while it ingests ({@value #INGEST_MERGES})
 */
public record LuceneMemoryConfig(
    Path indexDir,
    double k1,
    double b,
    String analyzer,
    int commitEvery,
    int commitIntervalSeconds,
    int ramBufferMb,
    ImageStorage images,
    int inlineMaxBytes,
    boolean dedupCaptions,
    int maxCaptionChars,
    int searchThreads,
    VerifyOnOpen verifyOnOpen,
    IngestMerges ingestMerges) {

  public static final String INDEX_DIR = "index.dir";
  public static final String K1 = "k1";
  public static final String B = "b";
  public static final String ANALYZER = "analyzer";
  public static final String COMMIT_EVERY = "commit.every";
  public static final String COMMIT_INTERVAL_SECONDS = "commit.interval.seconds";
  public static final String RAM_BUFFER_MB = "ram.buffer.mb";
  public static final String IMAGES = "images";
  public static final String INLINE_MAX_BYTES = "images.inline.max.bytes";
  public static final String DEDUP_CAPTIONS = "dedup.captions";
  public static final String MAX_CAPTION_CHARS = "max.caption.chars";
  public static final String SEARCH_THREADS = "search.threads";
  public static final String VERIFY_ON_OPEN = "verify.on.open";
  public static final String INGEST_MERGES = "ingest.merges";

  /** Every key this provider reads; anything else is refused as a typo. */
  public static final List<String> KEYS =
      List.of(
          INDEX_DIR, K1, B, ANALYZER, COMMIT_EVERY, COMMIT_INTERVAL_SECONDS, RAM_BUFFER_MB, IMAGES, INLINE_MAX_BYTES,
          DEDUP_CAPTIONS, MAX_CAPTION_CHARS, SEARCH_THREADS, VERIFY_ON_OPEN, INGEST_MERGES);

  /** Default {@code k1}; see {@link LuceneRetrieverProvider} for the reasoning. */
  public static final double DEFAULT_K1 = 0.9;
  /** Default {@code b}; see {@link LuceneRetrieverProvider} for the reasoning. */
  public static final double DEFAULT_B = 0.4;
  public static final String DEFAULT_ANALYZER = "english";
  /**
   * Default {@code commit.every}: a cap on the pairs a crash can lose, for very fast ingests. What
   * normally bounds the loss is the time ({@link #DEFAULT_COMMIT_INTERVAL_SECONDS}); at the 40,000 to
   * 60,000 pairs per second of a 2-core machine the cap is never reached.
   */
  public static final int DEFAULT_COMMIT_EVERY = 1_000_000;
  /**
   * Default {@code commit.interval.seconds}: a crash loses at most about this many seconds of ingest.
   * A commit flushes the buffered pairs into a segment and fsyncs it; every 10 s that costs under 5% of
   * the throughput (bench/retrieval, see the module README), where the earlier 60 s (with a 2,000,000
   * pair cap) could lose a whole 250,000-pair ingest.
   */
  public static final int DEFAULT_COMMIT_INTERVAL_SECONDS = 10;
  public static final int DEFAULT_RAM_BUFFER_MB = 128;
  public static final int DEFAULT_INLINE_MAX_BYTES = 1 << 20;
  public static final int DEFAULT_MAX_CAPTION_CHARS = 65_536;

  /** How a memory keeps its images. */
  public enum ImageStorage {
    /**
     * Paths and URIs are stored as given; inline bytes are written once, content-addressed, to
     * {@code <index.dir>/images/} and stored as a path relative to the index. Suits large memories.
     */
    REFERENCE,
    /**
     * Image bytes live in the index (paths and {@code file:} URIs are read at ingest); other URIs
     * stay references, since nothing is downloaded. Suits small, self-contained memories.
     */
    INLINE;

    static ImageStorage parse(String owner, String v) {
      return switch (v.trim().toLowerCase(Locale.ROOT)) {
        case "reference", "ref" -> REFERENCE;
        case "inline" -> INLINE;
        default ->
            throw new ConfigurationException(
                owner + ": configuration key '" + IMAGES + "' is '" + v + "' but must be 'reference' or 'inline'");
      };
    }
  }

  /**
   * When opening a memory compares the CRC32 checksum of every index file with the one in its footer.
   * Opening always checks the metadata files and that no file is cut short; a flipped byte inside a
   * data file is found only by comparing checksums, which reads the whole index.
   */
  public enum VerifyOnOpen {
    /** Compare when the index is at most 256 MiB (a fraction of a second); larger memories log how to check them. */
    AUTO,
    /** Always compare (reads the whole index on every open). */
    ALWAYS,
    /** Never compare; check a memory with {@code vimi memory verify} after copying it. */
    NEVER;

    static VerifyOnOpen parse(String owner, String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "auto" -> AUTO;
        case "true", "yes", "on", "always" -> ALWAYS;
        case "false", "no", "off", "never" -> NEVER;
        default ->
            throw new ConfigurationException(
                owner + ": configuration key '" + VERIFY_ON_OPEN + "' is '" + value
                    + "' but must be auto (compare checksums when the index is at most 256 MiB), true or false");
      };
    }
  }

  /**
   * Whether a writer merges the index's segments while it ingests. Every commit (each {@value
   * #COMMIT_INTERVAL_SECONDS} seconds or {@value #COMMIT_EVERY} pairs) and every full indexing buffer
   * writes a new segment; merging keeps their number small, at the price of rewriting pairs already
   * written. Neither choice changes what is stored, the scores or crash safety.
   */
  public enum IngestMerges {
    /**
     * Lucene's tiered merge policy merges small segments in background threads while pairs are added
     * (the default): the memory is always in a good shape to search.
     */
    BACKGROUND,
    /**
     * No merges while the writer is open: each commit and each flushed buffer stays a segment of its
     * own, so a bulk ingest spends no CPU on rewriting what it wrote. Searching visits every segment and
     * gets slower as they add up (a memory of a few segments barely notices; one ingested for hours
     * with a commit every 10 s holds hundreds), so follow a bulk ingest with an optimize ({@code
     * MemoryWriter.optimize()}, which still merges into one segment) or with a writer that merges in
     * the background (it merges on its first commit).
     */
    DEFERRED;

    static IngestMerges parse(String owner, String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "background" -> BACKGROUND;
        case "deferred" -> DEFERRED;
        default ->
            throw new ConfigurationException(
                owner + ": configuration key '" + INGEST_MERGES + "' is '" + value
                    + "' but must be background (merge segments while ingesting) or deferred (no merges until an optimize)");
      };
    }
  }

  public LuceneMemoryConfig {
    Objects.requireNonNull(indexDir, "indexDir");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(verifyOnOpen, "verifyOnOpen");
    Objects.requireNonNull(ingestMerges, "ingestMerges");
  }

  /** Reads and checks the keys; every error names the key, the value and the allowed range. */
  public static LuceneMemoryConfig from(ProviderConfig c) {
    String owner = c.owner();
    c.requireKnownKeys(KEYS);
    Path dir = c.requirePath(INDEX_DIR);
    double k1 = c.getDouble(K1, DEFAULT_K1);
    if (k1 < 0 || k1 > 100) {
      throw new ConfigurationException(owner + ": configuration key '" + K1 + "' is " + k1 + " but must be in [0, 100] (typical: 0.9 to 2.0)");
    }
    double b = c.getDouble(B, DEFAULT_B);
    if (b < 0 || b > 1) {
      throw new ConfigurationException(owner + ": configuration key '" + B + "' is " + b + " but must be in [0, 1]");
    }
    String analyzer = c.get(ANALYZER).map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
    if (analyzer != null) {
      Analyzers.check(owner, analyzer);
    }
    int commitEvery = c.getInt(COMMIT_EVERY, DEFAULT_COMMIT_EVERY, 1, Integer.MAX_VALUE);
    int commitInterval = c.getInt(COMMIT_INTERVAL_SECONDS, DEFAULT_COMMIT_INTERVAL_SECONDS, 1, Integer.MAX_VALUE);
    int ram = c.getInt(RAM_BUFFER_MB, DEFAULT_RAM_BUFFER_MB, 1, 2047);
    ImageStorage images = ImageStorage.parse(owner, c.getString(IMAGES, "reference"));
    int inlineMax = c.getInt(INLINE_MAX_BYTES, DEFAULT_INLINE_MAX_BYTES, 1, 64 << 20);
    boolean dedup = c.getBoolean(DEDUP_CAPTIONS, true);
    int maxCaption = c.getInt(MAX_CAPTION_CHARS, DEFAULT_MAX_CAPTION_CHARS, 1, 16 << 20);
    int threads = c.getInt(SEARCH_THREADS, Runtime.getRuntime().availableProcessors(), 1, 1024);
    VerifyOnOpen verify = VerifyOnOpen.parse(owner, c.getString(VERIFY_ON_OPEN, "auto"));
    IngestMerges merges = IngestMerges.parse(owner, c.getString(INGEST_MERGES, "background"));
    return new LuceneMemoryConfig(
        dir, k1, b, analyzer, commitEvery, commitInterval, ram, images, inlineMax, dedup, maxCaption, threads, verify, merges);
  }
}
