package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.encoder.mllm.internal.EncoderSettings.EngineKind;
import dev.vimi.encoder.mllm.internal.Graph;
import dev.vimi.encoder.mllm.internal.ModelResource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The exported vision tower, projectors and late-fusion network run on DJL's ONNX Runtime engine
 * give the outputs PyTorch computed for the same fixed inputs, within {@link #TOLERANCE}.
 */
class GraphParityTest {
  /** Largest allowed |DJL - PyTorch| of a graph output. */
  static final float TOLERANCE = 1e-4f;

  static Graph load(String file, Graph.Signature sig, EngineKind engine) {
    ModelResource r = ModelResource.parse("test", "model.x", file, Optional.of(TestModels.dir()));
    return Graph.load("test", file, r, engine, 1, false, sig);
  }

  static long[] shape(Properties p, String key) {
    return Arrays.stream(p.getProperty(key).split(",")).mapToLong(Long::parseLong).toArray();
  }

  static long[] longs(Properties p, String key) {
    return shape(p, key);
  }

  static void checkAll(EngineKind engine) {
    String ext = engine.extension;
    Properties p = TestModels.expected();
    float[] pixels = TestModels.floats("pixels_rgba.bin");
    try (Graph vision = load("vision" + ext, Graph.Signature.single("pixel_values"), engine)) {
      Graph.Output v = vision.run(Map.of("pixel_values", Graph.Input.of(pixels, 1, 3, 32, 32)));
      assertThat(v.shape()).containsExactly(shape(p, "vision_out.shape"));
      report(engine + " vision", v.values(), TestModels.floats("vision_out.bin"));
    }
    float[] features = TestModels.floats("vision_out.bin");
    for (String proj : List.of("projector_late", "projector_early")) {
      try (Graph g = load(proj + ext, Graph.Signature.single("image_features"), engine)) {
        Graph.Output o = g.run(Map.of("image_features", Graph.Input.of(features, 1, 16, 64)));
        assertThat(o.shape()).containsExactly(shape(p, proj + "_out.shape"));
        report(engine + " " + proj, o.values(), TestModels.floats(proj + "_out.bin"));
      }
    }
    Graph.Signature fusion =
        new Graph.Signature(
            List.of("hidden_states"),
            List.of("attention_mask", "modality_ids"),
            List.of("hidden_states", "attention_mask", "modality_ids"),
            "");
    try (Graph g = load("fusion_late" + ext, fusion, engine)) {
      long[] s = shape(p, "fusion_in.shape");
      Graph.Output o =
          g.run(
              Map.of(
                  "hidden_states", Graph.Input.of(TestModels.floats("fusion_in.bin"), s),
                  "attention_mask", Graph.Input.of(longs(p, "fusion_in.mask"), 1, s[1]),
                  "modality_ids", Graph.Input.of(longs(p, "fusion_in.modality"), 1, s[1])));
      assertThat(o.shape()).containsExactly(shape(p, "fusion_out.shape"));
      report(engine + " fusion_late", o.values(), TestModels.floats("fusion_out.bin"));
    }
  }

  static void report(String what, float[] got, float[] expected) {
    float diff = TestModels.maxAbsDiff(got, expected);
    System.out.println(what + ": max |djl - torch| = " + diff);
    assertThat(diff).as(what).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void onnxGraphsMatchPyTorch() {
    checkAll(EngineKind.ONNX);
  }

  @Test
  void theTestBundleIsWhereTheScriptWritesIt() {
    assertThat(TestModels.dir()).isEqualTo(TestModels.dir().toAbsolutePath());
    assertThat(Path.of("src/test/resources/test-encoder/expected.properties")).exists();
  }
}
