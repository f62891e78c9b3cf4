package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Broken manifests, broken modules and impossible devices: each a clear exception, never a crash. */
class PyTorchBadInputTest {
  private static final PyTorchDenoiserProvider PROVIDER = new PyTorchDenoiserProvider();

  @TempDir Path tmp;

  private static Denoiser create(DenoiserSpec spec, Map<String, String> config) {
    return PROVIDER.create(spec, ProviderConfig.of("denoiser pytorch (stage " + spec.stage() + ")", config));
  }

  private static DenoiserSpec base() {
    return TestBundle.spec("base");
  }

  private static DenoiserSpec withInputs(List<GraphInput> inputs) {
    GraphSpec g = base().graph().orElseThrow();
    return TestBundle.withGraph(base(), TestBundle.withInputs(g, inputs));
  }

  private static DenoiserSpec withGraphFile(String file) {
    return TestBundle.withGraph(base(), TestBundle.graph(file, true, "fp32"));
  }

  @Test
  void inputNamesDoNotMatterOnlyTheirOrder() {
    List<GraphInput> renamed = new ArrayList<>();
    for (GraphInput gi : base().graph().orElseThrow().inputs()) {
      renamed.add(new GraphInput("in_" + gi.name(), gi.role()));
    }
    TestBundle.Case c = TestBundle.readCase("base");
    try (Denoiser a = create(base(), Map.of());
        Denoiser b = create(withInputs(renamed), Map.of())) {
      assertThat(b.evaluate(c.input()).toArray()).isEqualTo(a.evaluate(c.input()).toArray());
    }
  }

  @Test
  void manifestThatListsTooFewInputsIsCaughtAtLoad() {
    List<GraphInput> inputs = new ArrayList<>(base().graph().orElseThrow().inputs());
    inputs.removeIf(i -> i.role() == InputRole.RESOLUTION);
    assertThatThrownBy(() -> create(withInputs(inputs), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("denoiser pytorch (stage base), graph base.pt: the load check")
        .hasMessageContaining("the TorchScript module and vimi-model.json disagree")
        .hasMessageContaining("resolution");
  }

  @Test
  void manifestWithInputsInTheWrongOrderIsCaughtAtLoadOrAtTheFirstCall() {
    List<GraphInput> inputs = new ArrayList<>(base().graph().orElseThrow().inputs());
    Collections.swap(inputs, 2, 3); // context and context_mask
    assertThatThrownBy(() -> create(withInputs(inputs), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the load check");
    try (Denoiser d = create(withInputs(inputs), Map.of("verify_on_load", "false"))) {
      DenoiserInput in = TestBundle.readCase("base").input();
      assertThatThrownBy(() -> d.evaluate(in))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("graph base.pt: libtorch failed:")
          .hasMessageContaining("fix the manifest or re-export the module");
    }
  }

  @Test
  void manifestThatLiesAboutTheConditioningShape() {
    DenoiserSpec s = base();
    DenoiserSpec wide =
        new DenoiserSpec(
            s.stage(), s.outputKind(), s.sigmaData(), s.channels(), s.frames(), s.height(), s.width(),
            s.conditioningLength(), 32, s.graph());
    assertThatThrownBy(() -> create(wide, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the load check");
  }

  @Test
  void manifestThatLiesAboutPrecision() {
    assertThatThrownBy(() -> create(TestBundle.withGraph(base(), TestBundle.graph("base.pt", true, "fp16")), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the load check")
        .hasMessageContaining("libtorch failed: RuntimeError: mat1 and mat2 must have the same dtype, but got Half and Float");
  }

  @Test
  void moduleWhoseOutputShapeDiffersFromItsInput() {
    assertThatThrownBy(() -> create(withGraphFile("bad-shape.pt"), Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("graph bad-shape.pt: the load check")
        .hasMessageContaining("the network returned shape [1, 3, 3, 8, 8] but the input video has shape [1, 3, 4, 8, 8]");
    try (Denoiser d = create(withGraphFile("bad-shape.pt"), Map.of("verify_on_load", "false"))) {
      DenoiserInput in = TestBundle.readCase("base").input();
      assertThatThrownBy(() -> d.evaluate(in))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("the network returned shape [2, 3, 3, 8, 8] but the input video has shape [2, 3, 4, 8, 8]");
    }
  }

  /** The nan module returns sqrt(x): NaN exactly where x is negative. */
  @Test
  void nanOutputNamesTheStageAndTheFirstBadIndex() {
    DenoiserInput c = TestBundle.readCase("base").input();
    float[] x = c.x().toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    x[1000] = -0.5f; // batch 1, channel 0, frame 3, y 5, x 0
    DenoiserInput in =
        new DenoiserInput(Tensor.of(x, c.x().shape()), c.sigma(), c.cNoise(), c.conditioning(), c.mask(), c.fps(), null);
    try (Denoiser d = create(withGraphFile("nan.pt"), Map.of())) {
      assertThatThrownBy(() -> d.evaluate(in))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("denoiser pytorch (stage base), graph nan.pt")
          .hasMessageContaining("the network returned NaN at flat index 1000 (batch 1, channel 0, frame 3, y 5, x 0)");
    }
  }

  @Test
  void truncatedModuleFileIsAnErrorNotACrash() throws IOException {
    byte[] bytes = Files.readAllBytes(TestBundle.dir().resolve("base.pt"));
    Path cut = tmp.resolve("base.pt");
    Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
    GraphSpec g = base().graph().orElseThrow();
    DenoiserSpec spec = TestBundle.withGraph(base(), new GraphSpec(cut, g.inputs(), g.output(), true, "fp32"));
    assertThatThrownBy(() -> create(spec, Map.of()))
        .isInstanceOf(BackendException.class)
        .hasMessageContaining("graph base.pt: libtorch cannot load the TorchScript file");
    Files.writeString(cut, "not a zip");
    assertThatThrownBy(() -> create(spec, Map.of())).isInstanceOf(BackendException.class);
  }

  @Test
  void cudaOnAMachineWithoutItIsAnErrorThatSaysHowToFixIt() {
    assertThatThrownBy(() -> create(base(), Map.of("device", "cuda:0")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("device cuda:0 was asked for but cannot be used")
        .hasMessageContaining("is a CPU build")
        .hasMessageContaining("pytorch-native-cu128")
        .hasMessageContaining("set fallback=cpu");
  }

  @Test
  void cudaWithCpuFallbackRunsOnTheCpu() {
    TestBundle.Case c = TestBundle.readCase("base");
    try (PyTorchDenoiser d = (PyTorchDenoiser) create(base(), Map.of("device", "cuda", "fallback", "cpu"))) {
      assertThat(d.device()).isEqualTo("cpu()");
      assertThat(TestBundle.maxAbsDiff(d.evaluate(c.input()).toArray(), c.expected())).isLessThanOrEqualTo(1e-4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cuda:x", "tpu", "gpu:0", "cuda:", "mps", ""})
  void unknownDeviceStrings(String device) {
    assertThatThrownBy(() -> create(base(), Map.of("device", device)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("configuration key 'device' is '" + device + "' but must be cpu, cuda or cuda:N");
  }

  @Test
  void threadsAreProcessWideAndOnlyChecked() {
    int current = JniUtils.getNumThreads();
    try (Denoiser d = create(base(), Map.of("threads", String.valueOf(current)))) {
      assertThat(d.maxBatch()).isEqualTo(16);
    }
    assertThatThrownBy(() -> create(base(), Map.of("threads", String.valueOf(current + 1))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("threads=" + (current + 1) + " was asked for but libtorch runs " + current)
        .hasMessageContaining("-Dai.djl.pytorch.num_threads=" + (current + 1));
    assertThat(JniUtils.getNumThreads()).as("a denoiser never changes libtorch's threads").isEqualTo(current);
  }

  @Test
  void otherConfigurationErrors() {
    assertThatThrownBy(() -> create(base(), Map.of("execution_provider", "tensorrt")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown key 'execution_provider'; known: [device,");
    assertThatThrownBy(() -> create(base(), Map.of("fallback", "yes")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'fallback' is 'yes' but must be none");
    assertThatThrownBy(() -> create(base(), Map.of("verify_on_load", "maybe")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'verify_on_load' must be true or false");
  }

  @Test
  void stageWithoutATorchScriptGraph() {
    DenoiserSpec s = base();
    DenoiserSpec none =
        new DenoiserSpec(
            s.stage(), s.outputKind(), s.sigmaData(), s.channels(), s.frames(), s.height(), s.width(),
            s.conditioningLength(), s.conditioningDim(), Optional.empty());
    assertThatThrownBy(() -> create(none, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("stage 'base' has no TorchScript graph");
  }

  @Test
  void closedDenoiserRefusesWorkAndClosesTwice() {
    Denoiser d = create(base(), Map.of());
    d.close();
    d.close();
    DenoiserInput in = TestBundle.readCase("base").input();
    assertThatThrownBy(() -> d.evaluate(in)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
