package dev.vimi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.retriever.lucene.LuceneMemoryWriter;
import dev.vimi.retriever.lucene.LuceneRetrieverProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
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
import java.util.stream.Stream;

/**
 * The embedded default memory: 1,911 Noto emoji with Emojibase labels and tags, shipped as resources
 * under {@value #RESOURCE} (see its README). On first use its pairs and images are copied to the
 * cache folder and a Lucene memory is built next to them; later runs reuse it. The cache folder is
 * the system property {@code vimi.cache.dir}, else {@code $VIMI_CACHE_DIR}, else {@code
 * $XDG_CACHE_HOME/vimi}, else {@code ~/.cache/vimi}. Each version of the data gets its own folder
 * (named by a digest of {@code pairs.jsonl} and the memory format version), built in a temporary folder and moved into place, so
 * that two processes starting at once both end with a complete memory.
 */
final class DefaultMemory {
  static final String RESOURCE = "/vimi/memory/emoji/";
  private static final List<String> EXTRA_FILES =
      List.of("NOTICE", "README.md", "LICENSE-noto-emoji-images.txt", "LICENSE-emoji-datasource.txt", "LICENSE-emojibase-data.txt");

  private DefaultMemory() {}

  static Path cacheRoot() {
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

  /** The memory folder of the embedded memory, built first if needed. */
  static Path ensure(PrintWriter err, ProgressBar.Mode progress) {
    byte[] pairs = resource("pairs.jsonl");
    String version = HexFormat.of().formatHex(sha256(pairs), 0, 6);
    // the folder changes with the data and with the on-disk format of the memory
    Path home = cacheRoot().resolve("memory").resolve("emoji-" + version + "-f" + LuceneRetrieverProvider.MEMORY_FORMAT_VERSION);
    Path memory = home.resolve("memory");
    if (Files.isDirectory(memory)) {
      return memory;
    }
    try {
      Path data = home.resolve("data");
      extract(pairs, data);
      Path tmp = home.resolve("memory.tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      err.println("Building the embedded emoji memory in " + memory + " (first use only) ...");
      build(data.resolve("pairs.jsonl"), tmp, err, progress);
      try {
        Files.move(tmp, memory, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
        deleteTree(tmp); // another process finished first; its memory is the same
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, memory);
      }
      return memory;
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot build the embedded memory under " + home + " (" + e + "); set VIMI_CACHE_DIR to a writable folder or give --memory",
          e);
    }
  }

  private static void build(Path pairs, Path memoryDir, PrintWriter err, ProgressBar.Mode mode) {
    ProviderConfig config = ProviderConfig.of("retriever lucene", Map.of(LuceneMemoryConfig.INDEX_DIR, memoryDir.toString()));
    try (LuceneMemoryWriter w = new LuceneRetrieverProvider().openWriter(config);
        PairReader r = PairReaders.open(pairs, ReadOptions.defaults());
        ProgressBar bar = new ProgressBar(err, mode, "indexing", "pairs")) {
      IngestJob.of(1, MalformedPolicy.FAIL, p -> bar.update(p.fraction(), p.read())).run(r, w);
      w.optimize(1);
    }
  }

  /** Copies pairs.jsonl, every image it names and the license files into {@code data}. */
  private static void extract(byte[] pairs, Path data) throws IOException {
    Files.createDirectories(data.resolve("images"));
    ObjectMapper json = new ObjectMapper();
    List<String> names = new ArrayList<>(EXTRA_FILES);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(new java.io.ByteArrayInputStream(pairs), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode image = json.readTree(line).get("image");
        if (image != null) {
          names.add(image.asText());
        }
      }
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

  static byte[] resource(String name) {
    try (InputStream in = DefaultMemory.class.getResourceAsStream(RESOURCE + name)) {
      if (in == null) {
        throw new ConfigurationException(
            "the embedded memory file " + RESOURCE + name + " is missing from this build of vimi; rebuild it (./vimi does)");
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
