package dev.vimi.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.api.Plugins;
import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.TaskInstruction;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset builder over the reference in-memory BM25 retriever and the built-in t2v task, which a
 * caller gets from vimi-api's registry by name.
 */
class DatasetAugmenterTest {
  private static final List<String> WORDS =
      List.of("dog", "cat", "surfing", "wave", "beach", "red", "ball", "running", "snow", "mountain", "city", "night", "car", "bird", "tree");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TaskInstruction T2V = task("t2v");
  private static final TaskInstruction PREDICT = task("predict");

  @TempDir Path dir;
  private Retriever retriever;
  private Path input;

  @BeforeEach
  void memoryAndCaptions() throws IOException {
    InMemoryRetrieverProvider provider = new InMemoryRetrieverProvider();
    ProviderConfig config = provider.selfTest(dir).orElseThrow().config();
    Random rnd = new Random(42);
    List<String> captions = new ArrayList<>();
    try (MemoryWriter w = provider.openWriter(config)) {
      for (int i = 0; i < 300; i++) {
        String caption = sentence(rnd) + " m" + i;
        captions.add(caption);
        ImageRef image = i % 2 == 0 ? ImageRef.of(dir.resolve("img" + i + ".png")) : null;
        w.add(new ImageTextPair("m" + i, caption, image));
      }
    }
    retriever = provider.open(config);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      // every third record is a pair of the memory itself (same id, same caption): the leakage case
      boolean own = i % 3 == 0;
      String id = own ? "m" + i : "v" + i;
      String caption = own ? captions.get(i) : sentence(rnd);
      lines.add(JSON.writeValueAsString(new Rec(i % 5 == 0 ? null : id, caption, "videos/" + id + ".mp4")).replace("\"id\":null,", "\"id\":" + i + ","));
    }
    input = dir.resolve("captions.jsonl");
    Files.write(input, lines, StandardCharsets.UTF_8);
  }

  record Rec(String id, String caption, String media) {}

  private static TaskInstruction task(String name) {
    return Plugins.discover().tasks().get(name).create(ProviderConfig.empty("task " + name));
  }

  private static String sentence(Random rnd) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < 4; w++) {
      sb.append(WORDS.get(rnd.nextInt(WORDS.size()))).append(' ');
    }
    return sb.toString().strip();
  }

  @AfterEach
  void close() {
    retriever.close();
  }

  private static List<JsonNode> read(Path p) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(p)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void writesOnePromptPerCaptionInOrderWithoutTheCaptionsOwnPair() throws IOException {
    Path output = dir.resolve("out.jsonl");
    AugmentResult result = DatasetAugmenter.builder(retriever, T2V).threads(4).batchSize(7).build().run(input, output);
    assertThat(result.written()).isEqualTo(200);
    assertThat(result.resumed()).isZero();

    List<String> in = Files.readAllLines(input);
    List<JsonNode> out = read(output);
    assertThat(out).hasSize(200);
    for (int i = 0; i < 200; i++) {
      JsonNode src = JSON.readTree(in.get(i));
      JsonNode rec = out.get(i);
      String id = src.get("id").asText();
      assertThat(rec.get("id").asText()).isEqualTo(id);
      assertThat(rec.get("task").asText()).isEqualTo("t2v");
      assertThat(rec.get("instruction").asText()).isEqualTo("Generate a video with the retrieved text-image examples and text prompt.");
      assertThat(rec.get("media").asText()).isEqualTo(src.get("media").asText());

      List<RetrievedItem> expected = retriever.retrieve(new RetrievalQuery(src.get("caption").asText(), 3, Set.of(id)));
      List<String> hitIds = new ArrayList<>();
      rec.get("retrieved").forEach(h -> hitIds.add(h.get("id").asText()));
      assertThat(hitIds).doesNotContain(id).isEqualTo(expected.stream().map(RetrievedItem::id).toList()).hasSize(3);

      JsonNode prompt = rec.get("prompt");
      assertThat(prompt.get(0).get("text").asText()).isEqualTo(rec.get("instruction").asText());
      assertThat(prompt.get(prompt.size() - 1).get("text").asText()).isEqualTo(src.get("caption").asText());
      long images = expected.stream().filter(h -> h.image() != null).count();
      assertThat(rec.get("prompt_text").asText().split("<image>", -1)).hasSize((int) images + 1);
      for (JsonNode seg : prompt) {
        if (seg.has("image")) {
          assertThat(seg.get("image").get("path").asText()).startsWith(dir.toString());
        }
      }
    }
  }

  @Test
  void anInterruptedRunResumesAndEndsWithTheSameFileAsAnUninterruptedOne() throws IOException {
    Path clean = dir.resolve("clean.jsonl");
    DatasetAugmenter.builder(retriever, T2V).threads(1).build().run(input, clean);

    Path output = dir.resolve("resumed.jsonl");
    AtomicInteger calls = new AtomicInteger();
    AugmentListener stopAfterThree =
        new AugmentListener() {
          @Override
          public void onProgress(AugmentProgress p) {
            if (calls.incrementAndGet() == 3) {
              throw new IllegalStateException("simulated crash");
            }
          }
        };
    assertThatThrownBy(
            () -> DatasetAugmenter.builder(retriever, T2V).threads(3).batchSize(10).listener(stopAfterThree).build().run(input, output))
        .hasMessageContaining("simulated crash");
    long complete = Files.readAllLines(output).size();
    assertThat(complete).isBetween(1L, 199L);
    // and a kill in the middle of writing a line
    Files.writeString(output, "{\"id\":\"v99\",\"task\":\"t2v\",\"capt", StandardOpenOption.APPEND);

    List<Long> resumedSeen = new ArrayList<>();
    AugmentResult r =
        DatasetAugmenter.builder(retriever, T2V)
            .threads(2)
            .listener(
                new AugmentListener() {
                  @Override
                  public void onStart(long resumed, long inputBytes) {
                    resumedSeen.add(resumed);
                  }
                })
            .build()
            .run(input, output);
    assertThat(resumedSeen).containsExactly(complete);
    assertThat(r.resumed()).isEqualTo(complete);
    assertThat(r.written()).isEqualTo(200 - complete);
    assertThat(Files.readString(output)).isEqualTo(Files.readString(clean));

    AugmentResult again = DatasetAugmenter.builder(retriever, T2V).build().run(input, output);
    assertThat(again.written()).as("a finished output is left alone").isZero();
    assertThat(Files.readString(output)).isEqualTo(Files.readString(clean));
  }

  @Test
  void anOutputOfAnotherInputIsRefused() throws IOException {
    Path output = dir.resolve("other.jsonl");
    Files.writeString(output, "{\"id\":\"zzz\",\"task\":\"t2v\",\"prompt_text\":\"x\"}\n");
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(input, output))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not continue the input")
        .hasMessageContaining("'zzz'");
  }

  @Test
  void malformedRecordsStopTheRunOrAreSkipped() throws IOException {
    Path bad = dir.resolve("bad.jsonl");
    Files.write(bad, List.of("{\"id\":\"a\",\"caption\":\"dog surfing\"}", "{\"id\":\"b\"}", "not json", "", "{\"id\":\"c\",\"caption\":\"red car\"}"));
    AugmentResult r = failsThenSkips(bad, "line 2", "needs a non-empty 'caption'");
    assertThat(r.written()).isEqualTo(2);
    assertThat(r.skipped()).isEqualTo(2);
  }

  /**
   * Runs over {@code in} twice: without skipping, the run must stop on a malformed record with an
   * error holding {@code expected} and the way to skip; with skipping, it must write records a and c.
   */
  private AugmentResult failsThenSkips(Path in, String... expected) throws IOException {
    var failure =
        assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(in, dir.resolve("stopped.jsonl")))
            .isInstanceOf(InvalidInputException.class)
            .hasMessageContaining("skip malformed records with skipMalformed(true)");
    for (String e : expected) {
      failure.hasMessageContaining(e);
    }
    Path output = dir.resolve("skipped-" + in.getFileName());
    AugmentResult r = DatasetAugmenter.builder(retriever, T2V).skipMalformed(true).build().run(in, output);
    assertThat(read(output)).extracting(n -> n.get("id").asText()).containsExactly("a", "c");
    return r;
  }

  @Test
  void onlyRetrievingTasksAndSaneSettingsAreAccepted() {
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, PREDICT))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not use retrieval");
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).k(0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(dir.resolve("missing.jsonl"), dir.resolve("o.jsonl")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void anOutputThatIsNotOursIsLeftExactlyAsItIs() throws IOException {
    Path notes = dir.resolve("notes.jsonl");
    byte[] mine = "{\"id\":\"n1\",\"caption\":\"my own data\"}\n{\"id\":\"n2\",\"caption\":\"no newline at the end\"}"
        .getBytes(StandardCharsets.UTF_8);
    Files.write(notes, mine);
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(input, notes))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("exists and is not an augmented data set")
        .hasMessageContaining("left as it is");
    assertThat(Files.readAllBytes(notes)).as("the partial last line was not cut off").isEqualTo(mine);

    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(input, dir))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the output " + dir + " is a folder; give the name of a JSONL file");
    byte[] in = Files.readAllBytes(input);
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(input, input))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is the input file");
    assertThat(Files.readAllBytes(input)).isEqualTo(in);
  }

  @Test
  void aGzippedCaptionFileGivesTheSameOutputAndABadOneIsRefusedClearly() throws IOException {
    Path plain = dir.resolve("plain.jsonl");
    DatasetAugmenter.builder(retriever, T2V).threads(2).build().run(input, plain);
    Path gz = dir.resolve("captions.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(input));
    }
    Path fromGz = dir.resolve("from-gz.jsonl");
    AugmentResult r = DatasetAugmenter.builder(retriever, T2V).threads(2).build().run(gz, fromGz);
    assertThat(r.written()).isEqualTo(200);
    assertThat(Files.readString(fromGz)).isEqualTo(Files.readString(plain));

    Path notGzip = dir.resolve("not-gzip.jsonl.gz");
    Files.copy(input, notGzip);
    assertThatThrownBy(() -> DatasetAugmenter.builder(retriever, T2V).build().run(notGzip, dir.resolve("o.jsonl")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("caption file " + notGzip + " ends in .gz but is not gzip-compressed data");
    assertThat(dir.resolve("o.jsonl")).as("no empty output is left behind").doesNotExist();
  }

  @Test
  void aCaptionThatIsNotUtf8IsAMalformedRecord() throws IOException {
    Path latin1 = dir.resolve("latin1.jsonl");
    Files.write(
        latin1,
        ("{\"id\":\"a\",\"caption\":\"dog surfing\"}\n{\"id\":\"b\",\"caption\":\"caf\u00e9 on a beach\"}\n"
                + "{\"id\":\"c\",\"caption\":\"red car\"}\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    AugmentResult r = failsThenSkips(latin1, "line 2: record: the line is not valid UTF-8 (byte 25 of the line");
    assertThat(r.skipped()).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("skipped-latin1.jsonl"))).doesNotContain("\uFFFD");
  }
}
