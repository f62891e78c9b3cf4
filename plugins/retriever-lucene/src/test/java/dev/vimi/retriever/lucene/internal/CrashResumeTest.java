package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 in the middle of an ingest: the memory must open, hold exactly the pairs of the last commit
 * (a prefix of the input, since one thread ingests in order), and a resumed ingest of the same input
 * must complete it with every pair exactly once.
 */
class CrashResumeTest {
  private static final int PAIRS = 3_000;
  private static final int COMMIT_EVERY = 250;

  @TempDir Path dir;

  @Test
  void killedIngestKeepsTheLastCommitAndResumesWithoutDuplicates() throws Exception {
    Path jsonl = dir.resolve("pairs.jsonl");
    List<String> ids = writeInput(jsonl);
    Path memory = dir.resolve("memory");

    Process child =
        new ProcessBuilder(
                javaExecutable(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashIngestChild.class.getName(),
                memory.toString(),
                jsonl.toString(),
                String.valueOf(COMMIT_EVERY))
            .redirectError(dir.resolve("child-stderr.txt").toFile())
            .start();
    long lastReported = -1;
    int commitsSeen = 0;
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        lines.add(line);
        if (line.startsWith("COMMITTED ")) {
          lastReported = Long.parseLong(line.substring(10));
          if (++commitsSeen == 2) {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close, no final commit
            break;
          }
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
    assertThat(commitsSeen).as("child output %s, stderr %s", lines, Files.readString(dir.resolve("child-stderr.txt"))).isEqualTo(2);
    assertThat(child.exitValue()).as("killed, not finished").isNotZero();

    // the memory opens and holds a committed prefix of the input, at least what was reported
    List<String> stored = storedIds(memory);
    assertThat(stored.size()).isGreaterThanOrEqualTo((int) lastReported).isLessThan(PAIRS);
    assertThat(stored.size() % COMMIT_EVERY).as("only whole batches are committed").isZero();
    assertThat(stored).as("every pair of the last commit, in order").isEqualTo(ids.subList(0, stored.size()));

    ProviderConfig config = ProviderConfig.of("retriever lucene", Map.of("index.dir", memory.toString()));
    LuceneRetrieverProvider provider = new LuceneRetrieverProvider();
    try (LuceneRetriever r = provider.open(config)) {
      assertThat(r.stats().pairs()).isEqualTo(stored.size());
      // an inline image of a committed pair was fsynced to images/ before its commit
      RetrievedItem hit = r.retrieve(new RetrievalQuery("zqimage0", 1)).get(0);
      assertThat(hit.id()).isEqualTo("pair-00000");
      assertThat(Files.readAllBytes(((ImageRef.OfPath) hit.image()).path())).isEqualTo(png(0));
    }

    // resume: add everything again
    try (LuceneMemoryWriter w = (LuceneMemoryWriter) provider.openWriter(config)) {
      try (var reader = dev.vimi.memory.formats.PairReaders.open(jsonl, dev.vimi.memory.formats.ReadOptions.defaults())) {
        reader.forEachRemaining(w::add);
      }
      IngestCounts c = w.counts();
      assertThat(c.pairsAtOpen()).isEqualTo(stored.size());
      assertThat(c.duplicateIds()).isEqualTo(stored.size());
      assertThat(c.added()).isEqualTo(PAIRS - stored.size());
    }
    List<String> after = storedIds(memory);
    assertThat(after).hasSize(PAIRS).doesNotHaveDuplicates();
    assertThat(new HashSet<>(after)).isEqualTo(new HashSet<>(ids));
  }

  private static List<String> writeInput(Path jsonl) throws IOException {
    List<String> ids = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      String id = String.format("pair-%05d", i);
      ids.add(id);
      String image = i % 25 == 0 ? ",\"image_base64\":\"" + Base64.getEncoder().encodeToString(png(i)) + "\"" : "";
      lines.add("{\"id\":\"" + id + "\",\"caption\":\"caption " + i + " zqimage" + i + " of a small test pair\"" + image + "}");
    }
    Files.write(jsonl, lines, StandardCharsets.UTF_8);
    return ids;
  }

  /** A tiny valid PNG that differs per seed. */
  static byte[] png(int seed) {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, seed * 7919);
    var out = new java.io.ByteArrayOutputStream();
    try {
      javax.imageio.ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The ids of the last commit in document order, read with plain Lucene. */
  private static List<String> storedIds(Path memory) throws IOException {
    List<String> out = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(memory.resolve("lucene"));
        DirectoryReader reader = DirectoryReader.open(d)) {
      for (LeafReaderContext leaf : reader.leaves()) {
        BinaryDocValues pairs = DocValues.getBinary(leaf.reader(), "p");
        for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
          assertThat(pairs.advanceExact(doc)).isTrue();
          out.add(PairCodec.id(pairs.binaryValue()));
        }
      }
    }
    Set<String> unique = new HashSet<>(out);
    assertThat(unique).as("no duplicate ids in the index").hasSize(out.size());
    return out;
  }

  private static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
