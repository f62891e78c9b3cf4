package dev.vimi.memory.emoji;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.RetrieverProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded emoji memory: 1,911 Noto emoji (64x64 PNG, Apache-2.0) with Emojibase English labels as
 * captions and tags as keywords (MIT), shipped as resources of this module ({@code pairs.jsonl}, the
 * vimi JSONL memory format, and {@code images/}; see the {@code README.md} and {@code NOTICE} next to
 * them). It is the default memory of the {@code vimi} command line, and a host gets the same in one
 * call:
 *
 * <pre>{@code
 * Path memory = EmojiMemory.ensure();   // builds once, then reuses
 * VimiPipeline.builder().retriever(EmojiMemory.RETRIEVER, Map.of(EmojiMemory.INDEX_DIR, memory.toString())) ...
 * }</pre>
 *
 * <p>The memory is built and later opened by the {@value #RETRIEVER} retriever, found by that name
 * through the service loader like any other provider ({@link ProviderLookup}); this module uses none of
 * its classes, so the retriever's jar only has to be on the path.
 *
 * <p>On first use the pairs and images are copied to a cache folder and a Lucene memory is built next
 * to them; later calls (in this or any other process) reuse it. Each version of the data, and of the
 * Lucene memory format, gets its own folder, built in a temporary folder and moved into place, so that
 * processes that start at once all end with a complete memory.
 *
 * <p>Stateless and thread-safe; concurrent calls may both build, and one result wins.
 */
public final class EmojiMemory {
  private static final Logger LOG = LoggerFactory.getLogger(EmojiMemory.class);
  private static final List<String> EXTRA_FILES =
      List.of("NOTICE", "README.md", "LICENSE-noto-emoji-images.txt", "LICENSE-emoji-datasource.txt", "LICENSE-emojibase-data.txt");
  private static final Pattern IMAGE = Pattern.compile("\"image\"\\s*:\\s*\"([^\"]+)\"");

  /** Number of pairs in the memory. */
  public static final int PAIRS = 1911;

  /** The retriever provider that builds and opens the memory. */
  public static final String RETRIEVER = "lucene";

  /** Its configuration key for the memory folder that {@link #ensure(Path, DoubleConsumer)} returns. */
  public static final String INDEX_DIR = "index.dir";

  private EmojiMemory() {}

  /**
   * The default cache folder: the system property {@code vimi.cache.dir}, else {@code
   * $VIMI_CACHE_DIR}, else {@code $XDG_CACHE_HOME/vimi}, else {@code ~/.cache/vimi}.
   */
  public static Path defaultCacheRoot() {
    String p = System.getProperty("vimi.cache.dir");
    if (p == null || p.isBlank()) {
      p = System.getenv("VIMI_CACHE_DIR");
    }
    if (p != null && !p.isBlank()) {
      return Path.of(p);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "vimi");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "vimi");
  }

  /** {@link #ensure(Path, DoubleConsumer)} in the {@link #defaultCacheRoot() default cache folder}. */
  public static Path ensure() {
    return ensure(defaultCacheRoot(), fraction -> {});
  }

  /**
   * The folder of the Lucene memory under {@code cacheRoot}, built first if it is not there. Give it
   * to the {@value #RETRIEVER} retriever as {@value #INDEX_DIR}.
   *
   * @param progress receives the fraction of pairs indexed (0 to 1) while building; not called when
   *     the memory exists
   * @throws ConfigurationException if the cache folder cannot be written; the message names it. Also if
   *     no {@value #RETRIEVER} retriever is installed; the message lists the ones that are
   */
  public static Path ensure(Path cacheRoot, DoubleConsumer progress) {
    RetrieverProvider retriever = retriever();
    Path home = home(cacheRoot, retriever);
    Path memory = home.resolve("memory");
    if (Files.isDirectory(memory)) {
      return memory;
    }
    try {
      Path data = home.resolve("data");
      extract(resource("pairs.jsonl"), data);
      Path tmp = home.resolve("memory.tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      LOG.info("building the emoji memory ({} pairs) in {}; first use only", PAIRS, memory);
      build(retriever, data.resolve("pairs.jsonl"), tmp, progress);
      try {
        Files.move(tmp, memory, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        deleteTree(tmp); // another process finished first; its memory is the same
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, memory);
      }
      return memory;
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot build the emoji memory under " + home + " (" + e + "); give a writable cache folder (vimi.cache.dir,"
              + " VIMI_CACHE_DIR) or use a memory of your own",
          e);
    }
  }

  /** Whether {@link #ensure(Path, DoubleConsumer)} would return at once, without building. */
  public static boolean isBuilt(Path cacheRoot) {
    return Files.isDirectory(home(cacheRoot, retriever()).resolve("memory"));
  }

  /** The {@value #RETRIEVER} retriever on the path: the registry's rule and its error when it is missing. */
  private static RetrieverProvider retriever() {
    return ProviderLookup.byName("retriever", ProviderLookup.load(RetrieverProvider.class), RETRIEVER);
  }

  /**
   * The folder of this version of the data and of the retriever's memory format ({@code
   * emoji-<data>-f<format>}, the names earlier versions used, so that their caches stay valid).
   */
  private static Path home(Path cacheRoot, RetrieverProvider retriever) {
    String version = HexFormat.of().formatHex(sha256(resource("pairs.jsonl")), 0, 6);
    String format =
        retriever
            .memoryFormat()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "the '" + RETRIEVER + "' retriever " + retriever.getClass().getName() + " from "
                            + ProviderLookup.source(retriever) + " names no memory format, so the emoji memory cannot"
                            + " be cached for it; use vimi-retriever-lucene"));
    return cacheRoot.resolve("memory").resolve("emoji-" + version + "-f" + format);
  }

  private static void build(RetrieverProvider retriever, Path pairs, Path memoryDir, DoubleConsumer progress) {
    ProviderConfig config = ProviderConfig.of("retriever " + RETRIEVER, Map.of(INDEX_DIR, memoryDir.toString()));
    try (MemoryWriter w = retriever.openWriter(config);
        PairReader r = PairReaders.open(pairs, ReadOptions.defaults())) {
      IngestJob.of(1, MalformedPolicy.FAIL, p -> progress.accept(Math.max(0, p.fraction()))).run(r, w);
      w.optimize();
    }
  }

  /** Copies pairs.jsonl, every image it names and the license files into {@code data}. */
  private static void extract(byte[] pairs, Path data) throws IOException {
    Files.createDirectories(data.resolve("images"));
    List<String> names = new ArrayList<>(EXTRA_FILES);
    Matcher m = IMAGE.matcher(new String(pairs, StandardCharsets.UTF_8));
    while (m.find()) {
      names.add(m.group(1));
    }
    for (String name : names) {
      Path target = data.resolve(name);
      if (!Files.exists(target)) {
        writeAtomically(target, resource(name));
      }
    }
    Path pairsFile = data.resolve("pairs.jsonl");
    if (!Files.exists(pairsFile)) {
      writeAtomically(pairsFile, pairs); // last: its presence means the data is complete
    }
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".extract-", ".tmp");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** A file of the memory's data, e.g. {@code "pairs.jsonl"} or {@code "images/1f436.png"}. */
  static byte[] resource(String name) {
    try (InputStream in = EmojiMemory.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new ConfigurationException(
            "the emoji memory file " + name + " is missing from the vimi-memory-emoji jar on the path; the jar is damaged,"
                + " replace it");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
