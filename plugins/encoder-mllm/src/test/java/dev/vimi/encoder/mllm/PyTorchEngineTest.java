package dev.vimi.encoder.mllm;

import dev.vimi.backend.support.DjlOffline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.encoder.mllm.internal.EncoderSettings.EngineKind;
import dev.vimi.spi.Conditioning;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * model.engine=pytorch: the TorchScript twins of the exported graphs run on DJL's PyTorch engine
 * (offline, from pytorch-native-cpu on the test class path) and give PyTorch's outputs; early fusion
 * end to end gives the reference states. The native build on the test class path is linux-x86_64.
 */
class PyTorchEngineTest {

  @BeforeAll
  static void linuxX86() {
    assumeTrue(
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
            && System.getProperty("os.arch").matches("amd64|x86_64"),
        "the PyTorch native library on the test class path is built for linux-x86_64");
  }

  @Test
  void torchScriptGraphsMatchPyTorch() {
    DjlOffline.ensure("mllm encoder");
    GraphParityTest.checkAll(EngineKind.PYTORCH);
  }

  @Test
  void earlyFusionOnPyTorchGivesTheReferenceStates() {
    try (MllmConditionEncoder e =
        TestModels.open(
            TestModels.early(
                "model.engine", "pytorch",
                // engine-specific entries win over the generic ones, which name the .onnx files
                "model.embeddings.pytorch", "toy_embed.pt",
                "model.lm.pytorch", "toy_lm.pt",
                "model.vision.pytorch", "vision.pt",
                "model.projector.pytorch", "projector_early.pt"))) {
      Conditioning c = e.encode(EarlyFusionTest.paperPrompt());
      float[] expected = TestModels.floats("early_out.bin");
      float diff = TestModels.maxAbsDiff(Arrays.copyOf(c.tokens().toArray(), expected.length), expected);
      System.out.println("early fusion on PyTorch: max |encoder - torch| = " + diff);
      assertThat(diff).isLessThanOrEqualTo(EarlyFusionTest.TOLERANCE);
      assertThat(c.validTokens()).isEqualTo(expected.length / 64);
    }
  }
}
