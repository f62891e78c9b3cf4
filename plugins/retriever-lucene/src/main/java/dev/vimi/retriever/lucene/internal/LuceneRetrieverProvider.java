package dev.vimi.retriever.lucene.internal;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.MemoryCheck;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.SelfTestSetup;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Provider {@code lucene}: the image-text memory of ViMi (section 3.1) on Apache Lucene. The text of
 * a pair (caption plus keywords) is indexed for BM25; the pair itself (id, caption, keywords, image
 * reference or bytes) is stored next to it.
 *
 * <h2>Configuration keys</h2>
 *
 * <table>
 *   <caption>keys of the {@code lucene} retriever</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code index.dir}</td><td>(required)</td><td>the memory folder; {@code lucene/} inside holds
 *       the index, {@code images/} the images that arrived as bytes</td></tr>
 *   <tr><td>{@code k1}</td><td>0.9</td><td>BM25 term-frequency saturation, in [0, 100]</td></tr>
 *   <tr><td>{@code b}</td><td>0.4</td><td>BM25 length normalisation, in [0, 1]</td></tr>
 *   <tr><td>{@code analyzer}</td><td>{@code english}, or the memory's</td><td>{@code english}, {@code
 *       standard}, {@code simple}, {@code whitespace}, or an {@code Analyzer} class name. A memory
 *       records its analyzer; opening it with a different one is an error</td></tr>
 *   <tr><td>{@code commit.every}</td><td>1000000</td><td>writer: most pairs between automatic commits</td></tr>
 *   <tr><td>{@code commit.interval.seconds}</td><td>10</td><td>writer: most seconds between automatic commits; a
 *       crash loses at most what was added since the last commit, whichever bound came first</td></tr>
 *   <tr><td>{@code ram.buffer.mb}</td><td>128</td><td>writer: indexing buffer per flush</td></tr>
 *   <tr><td>{@code images}</td><td>{@code reference}</td><td>writer: {@code reference} (paths and URIs as
 *       given, bytes written once to {@code images/}) or {@code inline} (image bytes in the index, for
 *       small self-contained memories)</td></tr>
 *   <tr><td>{@code images.inline.max.bytes}</td><td>1048576</td><td>writer: largest inline image</td></tr>
 *   <tr><td>{@code dedup.captions}</td><td>true</td><td>writer: skip a pair whose normalised caption an
 *       earlier pair already has (see {@link LuceneMemoryWriter})</td></tr>
 *   <tr><td>{@code max.caption.chars}</td><td>65536</td><td>writer: longest caption plus keywords</td></tr>
 *   <tr><td>{@code search.threads}</td><td>available processors</td><td>retriever: threads of {@code
 *       retrieveAll}</td></tr>
 *   <tr><td>{@code verify.on.open}</td><td>{@code auto}</td><td>compare the checksum of every index file
 *       when opening (a flipped byte inside a data file is found no other way): {@code auto} when the
 *       index is at most 256 MiB, {@code true}, or {@code false}. {@link #verify} checks everything</td></tr>
 *   <tr><td>{@code ingest.merges}</td><td>{@code background}</td><td>writer: {@code background} (merge
 *       segments while ingesting) or {@code deferred} (no merges until an optimize: a faster bulk ingest that
 *       leaves one segment per commit, which slows searches until the memory is optimized; see {@link
 *       LuceneMemoryConfig.IngestMerges})</td></tr>
 * </table>
 *
 * Any other key is refused with the closest known key ("did you mean").
 *
 * <h2>Why k1 = 0.9 and b = 0.4</h2>
 *
 * These are the BM25 parameters Anserini uses as its baseline for short-text collections (MS MARCO
 * passages, questions), tuned there on queries and documents of caption length, and they make our
 * scores directly comparable with that widely used reference. With captions, almost every term occurs
 * once, so k1 changes little; b matters more. Lucene's general-purpose 0.75 normalises length
 * strongly, which makes one- or two-word captions ("dog") outrank descriptive ones ("a dog surfing a
 * wave") for any query containing their word; caption length carries little evidence of relevance,
 * so a milder 0.4 suits an image-text memory better. Both can be set per deployment.
 *
 * <p>The provider is stateless and thread-safe; what it opens belongs to the caller.
 */
public final class LuceneRetrieverProvider implements RetrieverProvider {
  /** The provider name. */
  public static final String NAME = "lucene";

  /**
   * The on-disk format of the memories this version writes and reads; a memory of another format is
   * refused with a message to ingest it again.
   */
  public static final int MEMORY_FORMAT_VERSION = 3;

  /** {@link #MEMORY_FORMAT_VERSION}, for hosts that cache a memory they built. */
  @Override
  public Optional<String> memoryFormat() {
    return Optional.of(Integer.toString(MEMORY_FORMAT_VERSION));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "image-text memory on Apache Lucene: BM25 top-K, crash-safe batched ingest";
  }

  @Override
  public LuceneRetriever open(ProviderConfig config) {
    return LuceneRetriever.open(LuceneMemoryConfig.from(config), config.owner());
  }

  /** A {@link LuceneMemoryWriter}; it {@linkplain MemoryWriter#supportsOptimize() optimizes} (merges into one segment). */
  @Override
  public MemoryWriter openWriter(ProviderConfig config) {
    return LuceneMemoryWriter.open(LuceneMemoryConfig.from(config), config.owner());
  }

  /**
   * The full check behind {@code vimi memory verify}: the checksum of every index file, Lucene's
   * {@code CheckIndex} decoding of every structure, and the SHA-256 name of every image file. Reads
   * the whole memory; refuses while an ingest writes to it. Changes nothing.
   */
  @Override
  public MemoryCheck verify(ProviderConfig config) {
    return MemoryIntegrity.check(config.owner(), LuceneMemoryConfig.from(config).indexDir());
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    return Optional.of(
        SelfTestSetup.of(
            ProviderConfig.of("retriever " + NAME, Map.of(LuceneMemoryConfig.INDEX_DIR, workDir.resolve("lucene-memory").toString()))));
  }
}
