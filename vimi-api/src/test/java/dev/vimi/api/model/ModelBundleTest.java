package dev.vimi.api.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Resize;
import dev.vimi.api.StageSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.OutputKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loads the committed test bundle and many broken variants of it. */
class ModelBundleTest {
  /** The bundle made by models/test-denoiser/export.py (surefire runs in the module folder). */
  static final Path TEST_BUNDLE = Path.of("..", "models", "test-denoiser", "bundle");

  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path tmp;

  /** A copy of the test bundle whose manifest was changed by {@code edit}. */
  private Path bundleWith(Consumer<ObjectNode> edit) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "bundle");
    try (Stream<Path> files = Files.list(TEST_BUNDLE)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve(ModelBundle.MANIFEST).toFile());
    edit.accept(manifest);
    Files.writeString(dir.resolve(ModelBundle.MANIFEST), JSON.writeValueAsString(manifest));
    return dir;
  }

  private static ObjectNode stage(ObjectNode m, int i) {
    return (ObjectNode) m.withArray("stages").get(i);
  }

  private static ObjectNode graph(ObjectNode m, int stage, String backend) {
    return (ObjectNode) stage(m, stage).get("graphs").get(backend);
  }

  private static ArrayNode inputs(ObjectNode m, int stage, String backend) {
    return (ArrayNode) graph(m, stage, backend).get("inputs");
  }

  /** Loading {@code dir} fails with a message that starts with the manifest's path and the field. */
  private static void failsAt(Path dir, String field, String... fragments) {
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .satisfies(
            e -> {
              ModelBundleException mbe = (ModelBundleException) e;
              assertThat(mbe.file()).endsWith(ModelBundle.MANIFEST);
              assertThat(mbe.field()).contains(field);
              assertThat(mbe.getMessage()).startsWith(mbe.file() + ": " + field + ": ");
              assertThat(mbe.getMessage()).contains(fragments);
            });
  }

  @Test
  void loadsTheTestBundle() {
    try (ModelBundle bundle = ModelBundle.load(TEST_BUNDLE)) {
      ModelSpec spec = bundle.spec();
      assertThat(spec.name()).isEqualTo("vimi-test-denoiser");
      assertThat(bundle.directory()).isEqualTo(TEST_BUNDLE.toAbsolutePath().normalize());
      assertThat(spec.stages()).extracting(StageSpec::name).containsExactly("base", "upsampler");

      StageSpec base = spec.stages().get(0);
      assertThat(base.channels()).isEqualTo(3);
      assertThat(base.frames()).isEqualTo(4);
      assertThat(base.height()).isEqualTo(8);
      assertThat(base.width()).isEqualTo(8);
      assertThat(base.fps()).isEqualTo(24f);
      assertThat(base.outputKind()).isEqualTo(OutputKind.EDM);
      assertThat(base.sigmaData()).isEqualTo(0.5);
      assertThat(base.sigmaMin()).isEqualTo(0.002);
      assertThat(base.sigmaMax()).isEqualTo(80.0);
      assertThat(base.rho()).isEqualTo(7.0);
      assertThat(base.steps()).isEqualTo(8);
      assertThat(base.guidance()).isEqualTo(Guidance.constant(3.0));
      assertThat(base.conditioningLength()).isEqualTo(6);
      assertThat(base.conditioningDim()).isEqualTo(16);
      assertThat(base.graphs()).containsOnlyKeys("onnx", "pytorch");
      GraphSpec onnx = base.graphs().get("onnx");
      assertThat(onnx.file()).isEqualTo(bundle.directory().resolve("base.onnx"));
      assertThat(onnx.inputs())
          .containsExactly(
              new GraphInput("x", InputRole.NOISY_VIDEO),
              new GraphInput("c_noise", InputRole.C_NOISE),
              new GraphInput("context", InputRole.CONDITIONING),
              new GraphInput("context_mask", InputRole.CONDITIONING_MASK),
              new GraphInput("fps", InputRole.FPS),
              new GraphInput("resolution", InputRole.RESOLUTION));
      assertThat(onnx.output()).isEqualTo("out");
      assertThat(onnx.dynamicBatch()).isTrue();
      assertThat(onnx.precision()).isEqualTo("fp32");

      StageSpec up = spec.stages().get(1);
      assertThat(up.height()).isEqualTo(16);
      assertThat(up.steps()).isEqualTo(4);
      assertThat(up.guidance()).isEqualTo(Guidance.linearRamp(1.0, 2.0));
      assertThat(up.lowResResize()).isEqualTo(Resize.TRILINEAR);
      assertThat(up.graphs().get("pytorch").inputs())
          .extracting(GraphInput::role)
          .containsExactly(
              InputRole.NOISY_VIDEO, InputRole.LOW_RES_VIDEO, InputRole.SIGMA, InputRole.CONDITIONING,
              InputRole.CONDITIONING_MASK, InputRole.FPS, InputRole.RESOLUTION);
      assertThat(bundle.stage("upsampler")).isSameAs(up);

      assertThat(spec.encoder().provider()).isEqualTo("hashing");
      assertThat(bundle.checksums()).containsKeys("base.onnx", "base.pt", "upsampler.onnx", "upsampler.pt");
    }
  }

  @Test
  void missingOptionalFieldsTakeThePaperDefaults() throws IOException {
    Path dir =
        bundleWith(
            m -> {
              for (int i = 0; i < 2; i++) {
                stage(m, i).remove(List.of("fps", "sigma_data", "sigma_min", "sigma_max", "rho", "steps"));
              }
              m.remove("encoder");
            });
    try (ModelBundle bundle = ModelBundle.load(dir)) {
      StageSpec base = bundle.spec().stages().get(0);
      StageSpec up = bundle.spec().stages().get(1);
      assertThat(base.fps()).isEqualTo(24f);
      assertThat(base.sigmaData()).isEqualTo(0.5);
      assertThat(base.sigmaMin()).isEqualTo(0.002);
      assertThat(base.sigmaMax()).isEqualTo(80.0);
      assertThat(base.rho()).isEqualTo(7.0);
      assertThat(base.steps()).isEqualTo(256);
      assertThat(up.steps()).isEqualTo(40);
      assertThat(bundle.spec().encoder()).isNull();
    }
  }

  @Test
  void unknownRoleNamesFileFieldAndChoices() throws IOException {
    Path dir = bundleWith(m -> ((ObjectNode) inputs(m, 1, "onnx").get(2)).put("role", "foo"));
    failsAt(
        dir, "stages[1].graphs.onnx.inputs[2].role", "unknown role 'foo'; expected one of noisy_video, sigma, c_noise");
  }

  @Test
  void schemaVersionIsChecked() throws IOException {
    failsAt(bundleWith(m -> m.remove("schema_version")), "schema_version", "missing");
    failsAt(bundleWith(m -> m.put("schema_version", 2)), "schema_version", "upgrade vimi");
    failsAt(bundleWith(m -> m.put("schema_version", "1")), "schema_version", "must be an integer");
  }

  @Test
  void sigmaRangeAndScheduleAreChecked() throws IOException {
    failsAt(
        bundleWith(m -> stage(m, 0).put("sigma_min", 90.0)),
        "stages[0].sigma_min",
        "must be smaller than sigma_max (80.0)");
    failsAt(bundleWith(m -> stage(m, 1).put("sigma_min", 0.0)), "stages[1].sigma_min", "must be positive");
    failsAt(bundleWith(m -> stage(m, 0).put("sigma_data", -0.5)), "stages[0].sigma_data", "must be positive");
    failsAt(bundleWith(m -> stage(m, 0).put("rho", 0)), "stages[0].rho", "must be positive");
    failsAt(bundleWith(m -> stage(m, 0).put("sigma_max", "80")), "stages[0].sigma_max", "must be a number");
    failsAt(bundleWith(m -> stage(m, 0).put("steps", 0)), "stages[0].steps", "must be in [1, 10000]");
    failsAt(bundleWith(m -> stage(m, 0).put("steps", 2.5)), "stages[0].steps", "must be an integer");
    failsAt(bundleWith(m -> stage(m, 0).put("fps", 0)), "stages[0].fps", "must be in (0, 1000]");
    failsAt(bundleWith(m -> stage(m, 0).put("output_kind", "flow")), "stages[0].output_kind", "expected one of edm");
  }

  @Test
  void geometryIsChecked() throws IOException {
    failsAt(bundleWith(m -> stage(m, 0).remove("frames")), "stages[0].frames", "missing");
    failsAt(bundleWith(m -> stage(m, 0).put("height", -8)), "stages[0].height", "must be in [1, 8192]");
    failsAt(bundleWith(m -> stage(m, 1).put("channels", 4)), "stages[1].channels", "must equal stages[0].channels (3)");
    failsAt(
        bundleWith(m -> ((ObjectNode) stage(m, 1).get("conditioning")).put("dim", 32)),
        "stages[1].conditioning",
        "all stages share one conditioning");
    failsAt(bundleWith(m -> stage(m, 1).put("name", "base")), "stages[1].name", "used twice");
    failsAt(bundleWith(m -> m.putArray("stages")), "stages", "non-empty array");
  }

  @Test
  void guidanceIsChecked() throws IOException {
    failsAt(bundleWith(m -> stage(m, 0).remove("guidance")), "stages[0].guidance", "missing");
    failsAt(
        bundleWith(m -> stage(m, 0).putObject("guidance").put("type", "cosine")),
        "stages[0].guidance.type",
        "expected constant or linear_ramp");
    failsAt(
        bundleWith(m -> stage(m, 0).putObject("guidance").put("type", "constant").put("scale", 500)),
        "stages[0].guidance.scale",
        "must be in [0, 100.0]");
    failsAt(
        bundleWith(m -> stage(m, 1).putObject("guidance").put("type", "linear_ramp").put("min", 1.0)),
        "stages[1].guidance.max",
        "missing");
    Path numeric = bundleWith(m -> stage(m, 0).put("guidance", 7.5));
    try (ModelBundle b = ModelBundle.load(numeric)) {
      assertThat(b.spec().stages().get(0).guidance()).isEqualTo(Guidance.constant(7.5));
    }
  }

  @Test
  void lowResResizeBelongsToLaterStagesOnly() throws IOException {
    failsAt(
        bundleWith(m -> stage(m, 0).put("low_res_resize", "nearest")),
        "stages[0].low_res_resize",
        "the first stage has no previous stage");
    failsAt(bundleWith(m -> stage(m, 1).remove("low_res_resize")), "stages[1].low_res_resize", "nearest or trilinear");
    failsAt(bundleWith(m -> stage(m, 1).put("low_res_resize", "bicubic")), "stages[1].low_res_resize", "'bicubic'");
    Path nearest = bundleWith(m -> stage(m, 1).put("low_res_resize", "nearest"));
    try (ModelBundle b = ModelBundle.load(nearest)) {
      assertThat(b.spec().stages().get(1).lowResResize()).isEqualTo(Resize.NEAREST);
    }
  }

  @Test
  void graphInputsAreChecked() throws IOException {
    failsAt(
        bundleWith(m -> ((ObjectNode) inputs(m, 0, "onnx").get(1)).put("name", "x")),
        "stages[0].graphs.onnx.inputs[1].name",
        "'x' is used twice");
    failsAt(
        bundleWith(m -> ((ObjectNode) inputs(m, 0, "pytorch").get(1)).put("role", "noisy_video")),
        "stages[0].graphs.pytorch.inputs[1].role",
        "given to two inputs");
    failsAt(
        bundleWith(m -> inputs(m, 0, "onnx").remove(0)), "stages[0].graphs.onnx.inputs", "no input has role noisy_video");
    failsAt(
        bundleWith(m -> inputs(m, 0, "onnx").remove(1)), "stages[0].graphs.onnx.inputs", "no input has role sigma or c_noise");
    failsAt(
        bundleWith(m -> ((ObjectNode) inputs(m, 0, "onnx").get(1)).put("role", "low_res_video")),
        "stages[0].graphs.onnx.inputs[1].role",
        "only for later cascade stages");
    failsAt(
        bundleWith(m -> inputs(m, 1, "pytorch").remove(1)),
        "stages[1].graphs.pytorch.inputs",
        "no input has role low_res_video");
    failsAt(
        bundleWith(m -> graph(m, 0, "onnx").put("precision", "fp8")),
        "stages[0].graphs.onnx.precision",
        "expected fp32 or fp16");
    failsAt(
        bundleWith(m -> graph(m, 0, "onnx").put("dynamic_batch", "yes")),
        "stages[0].graphs.onnx.dynamic_batch",
        "true or false");
    failsAt(bundleWith(m -> graph(m, 0, "onnx").remove("output")), "stages[0].graphs.onnx.output", "missing");
    failsAt(
        bundleWith(m -> ((ObjectNode) stage(m, 0).get("graphs")).set("ONNX", graph(m, 0, "onnx").deepCopy())),
        "stages[0].graphs.ONNX",
        "not a backend provider name");
    failsAt(bundleWith(m -> stage(m, 0).putObject("graphs")), "stages[0].graphs", "is empty");
  }

  @Test
  void conditioningFrameRolesComeInPairs() throws IOException {
    failsAt(
        bundleWith(m -> inputs(m, 0, "onnx").addObject().put("name", "known").put("role", "known_frames")),
        "stages[0].graphs.onnx.inputs",
        "known_frames input but no known_mask",
        "declares both");
    failsAt(
        bundleWith(m -> inputs(m, 1, "pytorch").addObject().put("name", "mask").put("role", "known_mask")),
        "stages[1].graphs.pytorch.inputs",
        "known_mask input but no known_frames");
  }

  @Test
  void unknownFieldsAreTypos() throws IOException {
    failsAt(
        bundleWith(m -> stage(m, 0).put("sigma_mx", 80)), "stages[0].sigma_mx", "unknown field; expected one of");
    failsAt(bundleWith(m -> graph(m, 1, "onnx").put("outputs", "out")), "stages[1].graphs.onnx.outputs", "unknown field");
  }

  @Test
  void encoderSectionIsChecked() throws IOException {
    failsAt(bundleWith(m -> ((ObjectNode) m.get("encoder")).remove("provider")), "encoder.provider", "missing");
    failsAt(bundleWith(m -> ((ObjectNode) m.get("encoder")).put("provider", "My Encoder")), "encoder.provider", "not a provider name");
    failsAt(
        bundleWith(m -> ((ObjectNode) m.get("encoder").get("settings")).putObject("image")),
        "encoder.settings.image",
        "must be a string, number or boolean");
    Path dir =
        bundleWith(
            m -> ((ObjectNode) m.get("encoder").get("settings")).put("image_size", 224).put("tokenizer", "tok.json"));
    try (ModelBundle b = ModelBundle.load(dir)) {
      assertThat(b.spec().encoder().settings()).containsEntry("image_size", "224").containsEntry("tokenizer", "tok.json");
    }
  }

  @Test
  void pathsMustStayInsideTheBundle() throws IOException {
    failsAt(
        bundleWith(m -> graph(m, 0, "onnx").put("file", "../base.onnx")),
        "stages[0].graphs.onnx.file",
        "leaves the bundle folder");
    failsAt(
        bundleWith(m -> graph(m, 0, "onnx").put("file", "/etc/passwd")), "stages[0].graphs.onnx.file", "is absolute");
    failsAt(
        bundleWith(m -> graph(m, 0, "onnx").put("file", "sub\\base.onnx")), "stages[0].graphs.onnx.file", "backslash");
    failsAt(
        bundleWith(m -> ((ObjectNode) m.get("files")).put("../secret", "0".repeat(64))),
        "files[\"../secret\"]",
        "leaves the bundle folder");
  }

  @Test
  void symbolicLinksOutOfTheBundleAreRefused() throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside.onnx"), "not a graph");
    String sha = BundleChecksums.sha256(outside);
    Path dir =
        bundleWith(
            m -> {
              graph(m, 0, "onnx").put("file", "linked.onnx");
              ((ObjectNode) m.get("files")).put("linked.onnx", sha);
            });
    Files.createSymbolicLink(dir.resolve("linked.onnx"), outside);
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith(dir.toRealPath().resolve("linked.onnx") + ": leads out of the bundle folder");

    // a link that stays inside is fine
    Files.delete(dir.resolve("linked.onnx"));
    Files.createSymbolicLink(dir.resolve("linked.onnx"), Path.of("base.onnx"));
    Path fixed = dir.resolve(ModelBundle.MANIFEST);
    ObjectNode m = (ObjectNode) JSON.readTree(fixed.toFile());
    ((ObjectNode) m.get("files")).put("linked.onnx", BundleChecksums.sha256(dir.resolve("base.onnx")));
    Files.writeString(fixed, JSON.writeValueAsString(m));
    try (ModelBundle b = ModelBundle.load(dir)) {
      assertThat(b.spec().stages().get(0).graphs().get("onnx").file()).isEqualTo(dir.toRealPath().resolve("base.onnx"));
    }
  }

  @Test
  void everyGraphNeedsAChecksumEntry() throws IOException {
    failsAt(
        bundleWith(m -> ((ObjectNode) m.get("files")).remove("upsampler.pt")),
        "stages[1].graphs.pytorch.file",
        "'upsampler.pt' has no sha256 entry under files");
    failsAt(bundleWith(m -> m.remove("files")), "files", "missing");
    failsAt(
        bundleWith(m -> ((ObjectNode) m.get("files")).put("base.onnx", "abc")), "files[\"base.onnx\"]", "64 hex digits");
  }

  @Test
  void truncatedGraphFailsItsChecksumAndNamesTheFile() throws IOException {
    Path dir = bundleWith(m -> {});
    Path graph = dir.resolve("upsampler.onnx");
    byte[] bytes = Files.readAllBytes(graph);
    Files.write(graph, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith(dir.toRealPath().resolve("upsampler.onnx") + ": sha256 mismatch: files[\"upsampler.onnx\"]")
        .hasMessageContaining("truncated, corrupted or was swapped");
  }

  @Test
  void swappedGraphFilesFailTheirChecksums() throws IOException {
    Path dir = bundleWith(m -> {});
    Path a = dir.resolve("base.onnx");
    Path b = dir.resolve("upsampler.onnx");
    Path t = dir.resolve("swap.tmp");
    Files.move(a, t);
    Files.move(b, a);
    Files.move(t, b);
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .satisfies(e -> assertThat(((ModelBundleException) e).file()).endsWith("base.onnx"))
        .hasMessageContaining("sha256 mismatch");
  }

  @Test
  void missingFileIsNamed() throws IOException {
    Path dir = bundleWith(m -> {});
    Files.delete(dir.resolve("base.pt"));
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageStartingWith(dir.toRealPath().resolve("base.pt") + ": missing");
  }

  @Test
  void malformedJsonGivesLineAndColumn() throws IOException {
    Path dir = bundleWith(m -> {});
    Files.writeString(dir.resolve(ModelBundle.MANIFEST), "{\n  \"schema_version\": 1,\n  \"name\": \"x\" \"oops\"\n}");
    assertThatThrownBy(() -> ModelBundle.load(dir))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining(ModelBundle.MANIFEST + ": not valid JSON: line 3");
    Files.writeString(dir.resolve(ModelBundle.MANIFEST), "{\"schema_version\": 1, \"schema_version\": 1}");
    assertThatThrownBy(() -> ModelBundle.load(dir)).hasMessageContaining("Duplicate field 'schema_version'");
    Files.writeString(dir.resolve(ModelBundle.MANIFEST), "[]");
    assertThatThrownBy(() -> ModelBundle.load(dir)).hasMessageContaining("(root): must be a JSON object but is a array");
  }

  @Test
  void notABundleFolder() {
    assertThatThrownBy(() -> ModelBundle.load(tmp.resolve("nope")))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("not a folder");
    assertThatThrownBy(() -> ModelBundle.load(tmp))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining(ModelBundle.MANIFEST + ": not found");
  }

  /** Writes the test bundle under {@code folder/} into a jar. */
  private Path jarOf(Path bundle, String folder, Consumer<Map<String, byte[]>> edit) throws IOException {
    Map<String, byte[]> entries = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.list(bundle)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        entries.put(folder + "/" + f.getFileName(), Files.readAllBytes(f));
      }
    }
    edit.accept(entries);
    Path jar = tmp.resolve("bundle-" + entries.size() + "-" + System.nanoTime() + ".jar");
    try (OutputStream os = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void loadsFromAJarOnTheClassPathAndCleansUp() throws Exception {
    Path jar = jarOf(TEST_BUNDLE, "models/test-denoiser", e -> {});
    Path copy;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        ModelBundle bundle = ModelBundle.loadResource(loader, "/models/test-denoiser/")) {
      copy = bundle.directory();
      assertThat(copy).isNotEqualTo(TEST_BUNDLE.toAbsolutePath().normalize());
      assertThat(bundle.spec().stages()).hasSize(2);
      Path graph = bundle.spec().stages().get(1).graphs().get("onnx").file();
      assertThat(graph).startsWith(copy);
      assertThat(Files.readAllBytes(graph)).isEqualTo(Files.readAllBytes(TEST_BUNDLE.resolve("upsampler.onnx")));
      assertThat(bundle.checksums()).isEqualTo(ModelBundle.load(TEST_BUNDLE).checksums());
    }
    assertThat(copy).doesNotExist();
  }

  @Test
  void jarBundleChecksumMismatchNamesTheResource() throws Exception {
    Path jar =
        jarOf(
            TEST_BUNDLE,
            "m",
            e -> {
              byte[] g = e.get("m/base.pt");
              e.put("m/base.pt", java.util.Arrays.copyOf(g, g.length - 100));
            });
    Path work = Files.createDirectory(tmp.resolve("work"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> ModelBundle.loadResource(loader, "m", work))
          .isInstanceOf(ModelBundleException.class)
          .hasMessageStartingWith("classpath:m/base.pt: sha256 mismatch");
      assertThatThrownBy(() -> ModelBundle.loadResource(loader, "nothing/here", work))
          .isInstanceOf(ModelBundleException.class)
          .hasMessageStartingWith("classpath:nothing/here/vimi-model.json: not found");
      assertThatThrownBy(() -> ModelBundle.loadResource(loader, "m/../m", work))
          .isInstanceOf(ModelBundleException.class)
          .hasMessageContaining("leaves the bundle folder");
    }
    // the failed loads left no unpacked copy behind
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void checksumToolReproducesTheCommittedEntries() throws IOException {
    ModelBundle committed = ModelBundle.load(TEST_BUNDLE);
    assertThat(BundleChecksums.compute(TEST_BUNDLE, List.of())).isEqualTo(committed.checksums());
  }

  @Test
  void checksumToolFillsInAManifestWithoutFiles() throws IOException {
    Path dir = bundleWith(m -> m.remove("files"));
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    var written = BundleChecksums.update(dir, List.of("tokenizer.json"));
    assertThat(written).containsKeys("base.onnx", "upsampler.pt", "tokenizer.json");
    assertThat(written).doesNotContainKey("nan.onnx"); // not named by any stage
    try (ModelBundle b = ModelBundle.load(dir)) {
      assertThat(b.checksums()).isEqualTo(written);
    }
    JsonNode m = JSON.readTree(dir.resolve(ModelBundle.MANIFEST).toFile());
    assertThat(m.get("stages")).isNotNull();
    assertThatThrownBy(() -> BundleChecksums.compute(dir, List.of("../x")))
        .isInstanceOf(ModelBundleException.class)
        .hasMessageContaining("leaves the bundle folder");
  }
}
