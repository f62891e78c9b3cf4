package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end, in process: real memories, real files. */
class VimiCommandTest {
  @TempDir static Path cache;
  @TempDir Path dir;

  /** What a run printed and returned. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void privateCache() {
    System.setProperty("vimi.cache.dir", cache.toString());
  }

  @AfterAll
  static void restore() {
    System.clearProperty("vimi.cache.dir");
  }

  private static Run vimi(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VimiCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void searchesTheEmbeddedMemoryWithoutAnyFlag() {
    Run r = vimi("memory", "search", "dog", "surfing", "--progress", "lines");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("person surfing").contains("emoji-1f3c4").contains("dog");
    assertThat(r.err()).contains("Building the embedded emoji memory").contains("100%").contains("1,911 pairs");

    Run again = vimi("memory", "search", "--json", "-k", "2", "cat", "face");
    assertThat(again.err()).doesNotContain("Building");
    assertThat(again.out().lines().toList()).hasSize(2).first().asString().contains("\"caption\":\"cat face\"");

    Run stats = vimi("memory", "stats");
    assertThat(stats.out()).contains("pairs:           1,911").contains("analyzer:        english");
  }

  @Test
  void ingestsSearchesAndAugmentsAMemoryOfItsOwn() throws IOException {
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(
        pairs,
        List.of(
            "{\"id\":\"p1\",\"caption\":\"a dog surfing a big wave\",\"keywords\":[\"dog\",\"surf\"]}",
            "{\"id\":\"p2\",\"caption\":\"a cat sleeping on a sofa\"}",
            "this line is broken",
            "{\"id\":\"p3\",\"caption\":\"a red car in the snow\"}",
            "{\"id\":\"p4\",\"caption\":\"A dog surfing a big wave\"}"),
        StandardCharsets.UTF_8);
    Path tsv = dir.resolve("more.tsv");
    Files.writeString(tsv, "id\tcaption\np5\ta dog running on the beach\np1\tsame id again\n");
    Path memory = dir.resolve("memory");

    Run failing = vimi("memory", "ingest", pairs.toString(), "--memory", memory.toString(), "--progress", "none");
    assertThat(failing.code()).isEqualTo(2);
    assertThat(failing.err()).contains("line 3").contains("malformed record");

    Run ingest = vimi("memory", "ingest", pairs.toString(), tsv.toString(), "-m", memory.toString(), "--on-malformed", "skip", "--progress", "none");
    assertThat(ingest.code()).as(ingest.err()).isZero();
    assertThat(ingest.out())
        .contains("Ingested 6 pairs from 2 sources")
        .containsPattern("added: +2")
        .containsPattern("already present \\(id\\): +3")
        .containsPattern("duplicate captions: +1")
        .containsPattern("skipped records: +1")
        .contains("malformed record:")
        .contains("The memory now holds 4 pairs");

    Run search = vimi("memory", "search", "-m", memory.toString(), "--exclude", "p1", "dog", "wave");
    assertThat(search.out()).contains("p5").doesNotContain("p1 ");
    Run big = vimi("memory", "search", "-m", memory.toString(), "-k", "50", "dog");
    assertThat(big.err()).contains("K=50 is larger than the memory (4 pairs)");

    Path captions = dir.resolve("captions.jsonl");
    List<String> lines = new ArrayList<>();
    lines.add("{\"id\":\"p1\",\"caption\":\"a dog surfing\",\"media\":\"v/p1.mp4\"}");
    lines.add("{\"id\":\"v2\",\"caption\":\"a cat on a red sofa\",\"media\":\"v/v2.mp4\"}");
    Files.write(captions, lines, StandardCharsets.UTF_8);
    Path out = dir.resolve("augmented.jsonl");
    Run augment = vimi("augment", "-m", memory.toString(), "-i", captions.toString(), "-o", out.toString(), "-k", "2", "--progress", "none");
    assertThat(augment.code()).as(augment.err()).isZero();
    assertThat(augment.out()).contains("Wrote 2 augmented prompts (task t2v, K=2)");
    List<JsonNode> records = new ArrayList<>();
    for (String l : Files.readAllLines(out)) {
      records.add(new ObjectMapper().readTree(l));
    }
    assertThat(records).hasSize(2);
    assertThat(records.get(0).get("retrieved").findValuesAsText("id")).doesNotContain("p1").contains("p5");
    assertThat(records.get(1).get("instruction").asText()).isEqualTo("Generate a video with the retrieved text-image examples and text prompt.");

    Run resumed = vimi("augment", "-m", memory.toString(), "-i", captions.toString(), "-o", out.toString(), "--progress", "none");
    assertThat(resumed.out()).contains("Wrote 0 augmented prompts").contains("kept from an earlier run: 2");
  }

  @Test
  void anyInstalledRetrieverServesTheMemoryCommandsByName() throws IOException {
    // compat-tests' in-memory BM25 retriever is on the test path: neither lucene nor vespa, and the
    // command line knows nothing of it but its name and the keys given with --retriever-config
    Path pairs = dir.resolve("pairs.jsonl");
    Files.write(
        pairs,
        List.of("{\"id\":\"p1\",\"caption\":\"a dog surfing a big wave\"}", "{\"id\":\"p2\",\"caption\":\"a cat sleeping on a sofa\"}"),
        StandardCharsets.UTF_8);
    String file = "file=" + dir.resolve("memory.tsv");

    Run ingest = vimi("memory", "ingest", pairs.toString(), "--retriever", "in-memory", "--retriever-config", file, "--progress", "none");
    assertThat(ingest.code()).as(ingest.err()).isZero();
    assertThat(ingest.out()).contains("Ingested 2 pairs");

    Run search = vimi("memory", "search", "--retriever", "in-memory", "--retriever-config", file, "dog", "wave");
    assertThat(search.code()).as(search.err()).isZero();
    assertThat(search.out()).contains("p1").doesNotContain("p2");

    Run folder = vimi("memory", "search", "--retriever", "in-memory", "--memory", dir.toString(), "dog");
    assertThat(folder.code()).isEqualTo(2);
    assertThat(folder.err()).contains("--memory is a Lucene folder; configure retriever 'in-memory' with --retriever-config KEY=VALUE");
  }

  @Test
  void badInvocationsExplainThemselves() {
    Run noMemory = vimi("memory", "search", "--memory", dir.resolve("nope").toString(), "dog");
    assertThat(noMemory.code()).isEqualTo(2);
    assertThat(noMemory.err()).contains("no memory at").contains("vimi memory ingest");
    Run badK = vimi("memory", "search", "-k", "0", "dog");
    assertThat(badK.code()).isEqualTo(2);
    assertThat(badK.err()).contains("K must be in [1, 10000] but is 0");
    Run unknownTask = vimi("augment", "-i", "x.jsonl", "-o", "y.jsonl", "--task", "dance");
    assertThat(unknownTask.code()).isEqualTo(2);
    assertThat(unknownTask.err()).contains("dance").contains("t2v");
    Run help = vimi("--help");
    assertThat(help.out()).contains("memory").contains("augment");
  }
}
