package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken manifests, broken graphs and impossible devices: each a clear exception, never a crash. */
class OnnxBadInputTest {
  private static final OnnxDenoiserProvider PROVIDER = new OnnxDenoiserProvider();

  @TempDir Path tmp;

  private static Denoiser create(DenoiserSpec spec, Map<String, String> config) {
    return PROVIDER.create(spec, ProviderConfig.of("denoiser onnx (stage " + spec.stage() + ")", config));
  }

  private static DenoiserSpec base() {
    return TestBundle.spec("base");
  }

  private static DenoiserSpec withInputs(List<GraphInput> inputs) {
    GraphSpec g = base().graph().orElseThrow();
    return TestBundle.withGraph(base(), TestBundle.withInputs(g, inputs));
  }

  private static DenoiserSpec withGeometry(int height, int condDim) {
    DenoiserSpec s = base();
    return new DenoiserSpec(
        s.stage(), s.outputKind(), s.sigmaData(), s.channels(), s.frames(), height, s.width(), s.conditioningLength(),
        condDim, s.graph());
  }

  @Test
  void manifestInputNameTheGraphDoesNotHave() {
    List<GraphInput> inputs = new ArrayList<>(base().graph().orElseThrow().inputs());
    inputs.set(2, new GraphInput("ctx", InputRole.CONDITIONING));
    assertThatThrownBy(() -> create(withInputs(inputs), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("denoiser onnx (stage base), graph base.onnx")
        .hasMessageContaining("the manifest lists input 'ctx' (role conditioning) but the graph has no such input")
        .hasMessageContaining("context");
  }

  @Test
  void graphInputTheManifestDoesNotList() {
    List<GraphInput> inputs = new ArrayList<>(base().graph().orElseThrow().inputs());
    inputs.removeIf(i -> i.role() == InputRole.FPS);
    assertThatThrownBy(() -> create(withInputs(inputs), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the graph takes input 'fps' which the manifest does not list");
  }

  @Test
  void manifestThatLiesAboutShapesIsCaughtAtLoad() {
    assertThatThrownBy(() -> create(withGeometry(16, 16), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("input 'x' (role noisy_video) has dimension 3 = 8 in the graph but the stage declares 16");
    assertThatThrownBy(() -> create(withGeometry(8, 32), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("input 'context' (role conditioning) has dimension 2 = 16 in the graph but the stage declares 32");
  }

  @Test
  void manifestThatLiesAboutPrecisionOrBatchOrOutput() {
    assertThatThrownBy(() -> create(TestBundle.withGraph(base(), TestBundle.graph("base.onnx", true, "fp16")), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("input 'x' is FLOAT in the graph but the manifest says precision fp16; set precision to fp32");
    assertThatThrownBy(
            () -> create(TestBundle.withGraph(base(), TestBundle.graph("base-fp16.onnx", false, "fp32")), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is FLOAT16 in the graph but the manifest says precision fp32");
    assertThatThrownBy(
            () -> create(TestBundle.withGraph(base(), TestBundle.graph("base-fp16.onnx", true, "fp16")), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the manifest says dynamic_batch true but input 'x' (role noisy_video) has a fixed batch of 1");
    GraphSpec g = base().graph().orElseThrow();
    GraphSpec wrongOutput = new GraphSpec(g.file(), g.inputs(), "denoised", true, "fp32");
    assertThatThrownBy(() -> create(TestBundle.withGraph(base(), wrongOutput), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the manifest names output 'denoised' but the graph's outputs are [out]");
  }

  @Test
  void graphWhoseOutputShapeDiffersFromItsInputIsCaughtAtLoadWhenTheShapeIsStatic() {
    DenoiserSpec spec = TestBundle.withGraph(base(), TestBundle.graph("bad-shape.onnx", true, "fp32"));
    assertThatThrownBy(() -> create(spec, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("graph bad-shape.onnx: output 'out' has dimension 2 = 3 in the graph but the stage declares 4");
  }

  @Test
  void graphWhoseOutputShapeDiffersFromItsInputIsCaughtAtTheCall() {
    DenoiserSpec spec = TestBundle.withGraph(base(), TestBundle.graph("bad-shape-dynamic.onnx", true, "fp32"));
    try (Denoiser d = create(spec, Map.of())) {
      DenoiserInput in = TestBundle.readCase("base").input();
      assertThatThrownBy(() -> d.evaluate(in))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("stage base), graph bad-shape-dynamic.onnx")
          .hasMessageContaining("the network returned shape [2, 3, 3, 8, 8] but the input video has shape [2, 3, 4, 8, 8]");
    }
  }

  /** The nan graph returns sqrt(x): NaN exactly where x is negative. */
  @Test
  void nanOutputNamesTheStageAndTheFirstBadIndex() {
    DenoiserSpec spec = TestBundle.withGraph(base(), TestBundle.graph("nan.onnx", true, "fp32"));
    DenoiserInput c = TestBundle.readCase("base").input();
    float[] x = c.x().toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    x[1000] = -0.5f; // batch 1 (768 values per element), channel 0, frame 3, y 5, x 0
    x[1200] = -0.5f;
    DenoiserInput in =
        new DenoiserInput(Tensor.of(x, c.x().shape()), c.sigma(), c.cNoise(), c.conditioning(), c.mask(), c.fps(), null);
    try (Denoiser d = create(spec, Map.of())) {
      assertThatThrownBy(() -> d.evaluate(in))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("denoiser onnx (stage base), graph nan.onnx")
          .hasMessageContaining("the network returned NaN at flat index 1000 (batch 1, channel 0, frame 3, y 5, x 0)");
      // with no negative input the same graph is fine
      x[1000] = 0.5f;
      x[1200] = 0.5f;
      DenoiserInput fine =
          new DenoiserInput(Tensor.of(x, c.x().shape()), c.sigma(), c.cNoise(), c.conditioning(), c.mask(), c.fps(), null);
      assertThat(d.evaluate(fine).firstNonFinite()).isEqualTo(-1);
    }
  }

  @Test
  void truncatedGraphFileIsAnErrorNotACrash() throws IOException {
    Path graph = TestBundle.dir().resolve("base.onnx");
    byte[] bytes = Files.readAllBytes(graph);
    Path cut = tmp.resolve("base.onnx");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 3));
    GraphSpec g = base().graph().orElseThrow();
    DenoiserSpec spec = TestBundle.withGraph(base(), new GraphSpec(cut, g.inputs(), g.output(), true, "fp32"));
    assertThatThrownBy(() -> create(spec, Map.of()))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("graph base.onnx: ONNX Runtime cannot load the graph");
    Files.writeString(cut, "this is not an ONNX file");
    assertThatThrownBy(() -> create(spec, Map.of())).isInstanceOf(BackendException.class);
  }

  @Test
  void swappedGraphFileIsCaughtByItsInputNames() {
    // the upsampler graph where the manifest expects the base graph (a swap that the bundle's
    // checksums would catch first; without them the input check does)
    GraphSpec g = base().graph().orElseThrow();
    DenoiserSpec spec =
        TestBundle.withGraph(base(), new GraphSpec(TestBundle.dir().resolve("upsampler.onnx"), g.inputs(), "out", true, "fp32"));
    assertThatThrownBy(() -> create(spec, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("graph upsampler.onnx")
        .hasMessageContaining("the manifest lists input 'c_noise' (role c_noise) but the graph has no such input");
  }

  @Test
  void cudaOnAMachineWithoutItIsAnErrorThatSaysHowToFixIt() {
    assertThatThrownBy(() -> create(base(), Map.of("device", "cuda:0")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("device cuda:0 was asked for but cannot be used")
        .hasMessageContaining("onnxruntime_gpu")
        .hasMessageContaining("set fallback=cpu");
    assertThatThrownBy(() -> create(base(), Map.of("device", "cuda", "execution_provider", "tensorrt")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("device cuda with TensorRT was asked for")
        .hasMessageContaining("TensorRT");
  }

  @Test
  void cudaWithCpuFallbackRunsOnTheCpu() {
    TestBundle.Case c = TestBundle.readCase("base");
    try (OnnxDenoiser d = (OnnxDenoiser) create(base(), Map.of("device", "cuda:1", "fallback", "cpu"))) {
      assertThat(d.device()).isEqualTo("cpu");
      assertThat(TestBundle.maxAbsDiff(d.evaluate(c.input()).toArray(), c.expected())).isLessThanOrEqualTo(1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cuda:x", "tpu", "gpu", "cuda:", "cuda:-1", "", "cpu:0"})
  void unknownDeviceStrings(String device) {
    assertThatThrownBy(() -> create(base(), Map.of("device", device)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("configuration key 'device' is '" + device + "' but must be cpu, cuda or cuda:N");
  }

  @Test
  void otherConfigurationErrors() {
    assertThatThrownBy(() -> create(base(), Map.of("devcie", "cpu")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown key 'devcie'; did you mean 'device'?");
    assertThatThrownBy(() -> create(base(), Map.of("fallback", "gpu")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'fallback' is 'gpu' but must be none");
    assertThatThrownBy(() -> create(base(), Map.of("threads", "-2")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'threads' is -2 but must be in [0, 1024]");
    assertThatThrownBy(() -> create(base(), Map.of("execution_provider", "tensorrt")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("but device is cpu");
    assertThatThrownBy(() -> create(base(), Map.of("optimization", "max")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must be none, basic, extended or all");
    // the reserved model.* keys of old are gone: the bundle folder comes in the ProviderContext
    assertThatThrownBy(() -> create(base(), Map.of("model.dir", "/x", "threads", "1")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown key 'model.dir'")
        .hasMessageContaining("ProviderContext");
    assertThatThrownBy(() -> create(base(), Map.of("spinning", "sometimes")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'spinning' must be true or false but is 'sometimes'");
    try (Denoiser d = create(base(), Map.of("threads", "1", "optimization", "basic"))) {
      assertThat(d.maxBatch()).isEqualTo(16);
    }
    try (Denoiser d = create(base(), Map.of("threads", "2", "spinning", "false"))) {
      assertThat(d.maxBatch()).isEqualTo(16);
    }
  }

  @Test
  void stageWithoutAnOnnxGraph() {
    DenoiserSpec s = base();
    DenoiserSpec none =
        new DenoiserSpec(
            s.stage(), s.outputKind(), s.sigmaData(), s.channels(), s.frames(), s.height(), s.width(),
            s.conditioningLength(), s.conditioningDim(), Optional.empty());
    assertThatThrownBy(() -> create(none, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("stage 'base' has no ONNX graph; add a graphs.onnx entry");
  }

  @Test
  void inputsThatDoNotFitTheStage() {
    DenoiserInput good = TestBundle.readCase("base").input();
    DenoiserInput wrongSize =
        new DenoiserInput(
            Tensor.zeros(2, 3, 4, 8, 9), good.sigma(), good.cNoise(), good.conditioning(), good.mask(), 24f, null);
    DenoiserInput up = TestBundle.readCase("upsampler").input();
    DenoiserInput noLowRes =
        new DenoiserInput(up.x(), up.sigma(), up.cNoise(), up.conditioning(), up.mask(), up.fps(), null);
    try (Denoiser d = create(base(), Map.of());
        Denoiser u = create(TestBundle.spec("upsampler"), Map.of())) {
      assertThatThrownBy(() -> d.evaluate(wrongSize))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("the noisy video has shape [2, 3, 4, 8, 9] but the stage takes [B, 3, 4, 8, 8]");
      assertThatThrownBy(() -> u.evaluate(noLowRes))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("takes a low_res_video input");
    }
  }

  @Test
  void closedDenoiserRefusesWorkAndClosesTwice() {
    Denoiser d = create(base(), Map.of());
    d.close();
    d.close();
    DenoiserInput in = TestBundle.readCase("base").input();
    assertThatThrownBy(() -> d.evaluate(in)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void djlIsPutInOfflineModeAndExplicitOnlineIsRefused() {
    try (Denoiser d = create(base(), Map.of())) {
      assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }
    System.setProperty("ai.djl.offline", "false");
    try {
      assertThatThrownBy(() -> create(base(), Map.of()))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("DJL offline mode is switched off (-Dai.djl.offline=false)")
          .hasMessageContaining("vimi never downloads");
    } finally {
      System.setProperty("ai.djl.offline", "true");
    }
  }
}
