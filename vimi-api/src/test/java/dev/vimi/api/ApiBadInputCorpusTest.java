package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.VimiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the API: requests, configurations (maps and files), pipelines. Each case
 * names what it does, the exception it must raise and the words its message must hold; a case that
 * reads a file also checks that the file is unchanged. (The command line has its own corpus, {@code
 * samples/cli/.../bad-inputs/cli.jsonl}; memories, images and Vespa replies are covered in their
 * modules' bad-input tests.)
 */
class ApiBadInputCorpusTest {
  @TempDir static Path dir;

  /** One bad input: what to run, what it must throw, what the message must say. */
  record Case(String name, Action action, Class<? extends VimiException> type, String... fragments) {
    @Override
    public String toString() {
      return name;
    }
  }

  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private static Case c(String name, Action a, Class<? extends VimiException> type, String... fragments) {
    return new Case(name, a, type, fragments);
  }

  private static GenerationRequest.Builder req() {
    return GenerationRequest.builder().prompt("a cat");
  }

  private static Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static void generate(GenerationRequest.Builder r) {
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 3, OutputKind.EDM), 0, 0.3, 1)) {
      p.generate(r.build());
    }
  }

  private static void build(Map<String, String> config) {
    VimiPipeline.builder().model(Oracles.model(4, 8, 8, 3, OutputKind.EDM)).configure(PipelineConfig.of(config)).build().close();
  }

  static Stream<Arguments> cases() throws IOException {
    // the files are written here, before each case's snapshot, so that "unchanged" covers them
    Path f0 = file("typo.properties", "retrieval.kk=2\n");
    Path f1 = file("retriver.json", "{\"retriver\": {\"provider\": \"lucene\"}}");
    Path f2 = file("array.json", "{\"denoiser\": [1]}");
    Path f3 = file("cut.json", "{\"denoiser\": ");
    Path f4 = file("list.json", "[1, 2]");
    Path f5 = file("vimi.yaml", "denoiser: onnx");
    Stream<Case> all =
        Stream.of(
            // requests
            c("empty prompt", () -> GenerationRequest.builder().prompt("  ").build(), InvalidInputException.class, "prompt: the prompt is empty"),
            c("no prompt", () -> GenerationRequest.builder().build(), InvalidInputException.class, "the prompt is empty"),
            c("huge prompt", () -> GenerationRequest.builder().prompt("x".repeat(1 << 20)).build(), InvalidInputException.class, "characters; at most"),
            c("placeholder without image", () -> GenerationRequest.builder().prompt("a <image> cat"), InvalidInputException.class,
                "1 <image> placeholder(s) but 0 image(s)"),
            c("image without placeholder", () -> GenerationRequest.builder().prompt("a cat", ImageRef.ofBytes(new byte[] {1})),
                InvalidInputException.class, "0 <image> placeholder(s) but 1 image(s)"),
            c("empty task", () -> req().task(" ").build(), InvalidInputException.class, "task: the task name is empty"),
            c("zero frames", () -> req().frames(0).build(), InvalidInputException.class, "frames: must be in [1,"),
            c("zero width", () -> req().size(0, 8).build(), InvalidInputException.class, "width: must be in [1,"),
            c("huge height", () -> req().size(8, 1 << 20).build(), InvalidInputException.class, "height: must be in [1,"),
            c("zero fps", () -> req().fps(0).build(), InvalidInputException.class, "fps: must be in (0, 240] but is 0.0"),
            c("NaN fps", () -> req().fps(Double.NaN).build(), InvalidInputException.class, "fps: must be in (0, 240] but is NaN"),
            c("zero steps", () -> req().steps(0).build(), InvalidInputException.class, "steps: must be in [1,"),
            c("negative second steps", () -> req().steps(4, -2).build(), InvalidInputException.class, "steps[1]: must be in [1,"),
            c("negative guidance", () -> req().guidance(-1).build(), InvalidInputException.class, "guidance scale must be in [0,"),
            c("infinite guidance", () -> req().guidance(Double.POSITIVE_INFINITY).build(), InvalidInputException.class, "must be a finite number"),
            c("k over 64", () -> req().retrievalK(65).build(), InvalidInputException.class, "retrieval_k: must be in [0, 64] but is 65"),
            c("negative k", () -> req().retrievalK(-1).build(), InvalidInputException.class, "retrieval_k: must be in [0, 64] but is -1"),
            c("unknown sampler", () -> SamplerKind.parse("rk4"), VimiException.class, "rk4"),
            // requests the model cannot take, refused before any network runs
            c("fewer frames than the model's clip", () -> generate(req().frames(3)), InvalidInputException.class,
                "this model generates clips of 4 frames; ask for 4, or for more to make a long video clip after clip, but not 3"),
            c("width the model does not make", () -> generate(req().size(16, 8)), InvalidInputException.class, "generates width = 8 only"),
            c("one step count per stage, wrong count", () -> generate(req().steps(2, 2, 2)), InvalidInputException.class,
                "give one step count for all stages or one per stage (1), not 3"),
            c("unknown task", () -> generate(req().task("dance")), VimiException.class, "dance", "t2v"),
            c("predict without first frame", () -> generate(req().task("predict")), InvalidInputException.class, "first"),
            // configurations as maps
            c("misspelt retrieval.k", () -> PipelineConfig.of(Map.of("retrieval.kk", "2")), ConfigurationException.class,
                "pipeline configuration: unknown key 'retrieval.kk'; did you mean 'retrieval.k'?"),
            c("misspelt denoiser line", () -> PipelineConfig.of(Map.of("denosier", "onnx")), ConfigurationException.class,
                "unknown key 'denosier'; did you mean 'denoiser'?"),
            c("misspelt model line", () -> PipelineConfig.of(Map.of("modle", "m/")), ConfigurationException.class,
                "unknown key 'modle'; did you mean 'model'?"),
            c("key of no one", () -> PipelineConfig.of(Map.of("colour", "red")), ConfigurationException.class,
                "unknown key 'colour'; known: [denoiser, encoder, model, retrieval.k, retriever, task]"),
            c("retrieval.k not a number", () -> VimiPipeline.builder().configure(PipelineConfig.of(Map.of("retrieval.k", "two"))),
                ConfigurationException.class, "'retrieval.k' must be an integer but is 'two'"),
            c("retrieval.k out of range", () -> VimiPipeline.builder().configure(PipelineConfig.of(Map.of("retrieval.k", "100"))),
                InvalidInputException.class, "retrieval.k: must be in [0, 64] but is 100"),
            c("unknown denoiser", () -> build(Map.of("denoiser", "tensorflow", "retriever", "none")), ConfigurationException.class,
                "tensorflow", "Available"),
            c("unknown retriever", () -> build(Map.of("denoiser", "gaussian-oracle", "retriever", "solr")), ConfigurationException.class,
                "solr", "Available"),
            c("unknown default task", () -> build(Map.of("denoiser", "gaussian-oracle", "retriever", "none", "task", "dance")),
                ConfigurationException.class, "dance"),
            c("no model", () -> VimiPipeline.builder().build(), ConfigurationException.class, "no model: call model(...) or set 'model'"),
            // configuration files (each is checked unchanged afterwards)
            c("properties with a typo", () -> PipelineConfig.read(f0), ConfigurationException.class,
                "typo.properties: unknown key 'retrieval.kk'; did you mean 'retrieval.k'?"),
            c("JSON with a misspelt section", () -> PipelineConfig.read(f1),
                ConfigurationException.class, "retriver.json: unknown key 'retriver'; did you mean 'retriever'?"),
            c("JSON array value", () -> PipelineConfig.read(f2), ConfigurationException.class,
                "'denoiser' must be a string, number, boolean or object"),
            c("JSON cut short", () -> PipelineConfig.read(f3), ConfigurationException.class,
                "not valid JSON at line 1"),
            c("JSON not an object", () -> PipelineConfig.read(f4), ConfigurationException.class,
                "the top level must be a JSON object"),
            c("YAML file", () -> PipelineConfig.read(f5), ConfigurationException.class,
                "must end in .properties or .json"),
            c("missing file", () -> PipelineConfig.read(dir.resolve("nope.properties")), ConfigurationException.class, "does not exist"));
    return all.map(x -> Arguments.of(x.name(), x));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAMessageThatNamesTheProblem(String name, Case c) throws Exception {
    Map<String, String> before = snapshot();
    Throwable t = catchThrowable(() -> c.action().run());
    assertThat(t).as(name).isInstanceOf(c.type());
    for (String f : c.fragments()) {
      assertThat(t.getMessage()).as(name).contains(f);
    }
    assertThat(snapshot()).as(name + ": the files read are unchanged, none was written").isEqualTo(before);
  }

  private static Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    return out;
  }
}
