package dev.vimi.backend.onnx.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The exported test denoisers of models/test-denoiser (copied to test-classes/test-denoiser by the
 * build) and the cases whose outputs PyTorch computed when it exported them.
 */
final class TestBundle {
  private TestBundle() {}

  static Path dir() {
    try {
      return Path.of(TestBundle.class.getResource("/test-denoiser/" + ModelBundle.MANIFEST).toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static ModelBundle load() {
    return ModelBundle.load(dir());
  }

  /** The spec of stage {@code stage} with its ONNX graph. */
  static DenoiserSpec spec(String stage) {
    return load().stage(stage).denoiserSpec("onnx");
  }

  /** The stage's spec with another graph. */
  static DenoiserSpec withGraph(DenoiserSpec spec, GraphSpec graph) {
    return new DenoiserSpec(
        spec.stage(), spec.outputKind(), spec.sigmaData(), spec.channels(), spec.frames(), spec.height(), spec.width(),
        spec.conditioningLength(), spec.conditioningDim(), Optional.of(graph));
  }

  /** A graph of the bundle with the base stage's inputs. */
  static GraphSpec graph(String file, boolean dynamicBatch, String precision) {
    GraphSpec base = spec("base").graph().orElseThrow();
    return new GraphSpec(dir().resolve(file), base.inputs(), base.output(), dynamicBatch, precision);
  }

  static GraphSpec withInputs(GraphSpec g, List<GraphInput> inputs) {
    return new GraphSpec(g.file(), inputs, g.output(), g.dynamicBatch(), g.precision());
  }

  /** A case exported by models/test-denoiser/export.py: fixed inputs and PyTorch's output. */
  record Case(DenoiserInput input, float[] expected, int[] shape) {}

  static Case readCase(String name) {
    Path cdir = dir().resolve("cases").resolve(name);
    try {
      JsonNode meta = new JsonMapper().readTree(cdir.resolve("case.json").toFile());
      JsonNode in = meta.get("inputs");
      Tensor x = tensor(cdir, in.get("noisy_video"));
      Tensor cond = tensor(cdir, in.get("conditioning"));
      Tensor mask = tensor(cdir, in.get("conditioning_mask"));
      float[] sigma = tensor(cdir, in.get("sigma")).toArray();
      float[] cNoise = tensor(cdir, in.get("c_noise")).toArray();
      float fps = tensor(cdir, in.get("fps")).get(0);
      Tensor lowRes = in.has("low_res_video") ? tensor(cdir, in.get("low_res_video")) : null;
      Tensor expected = tensor(cdir, meta.get("expected"));
      return new Case(new DenoiserInput(x, sigma, cNoise, cond, mask, fps, lowRes), expected.toArray(), expected.shape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Tensor tensor(Path dir, JsonNode entry) throws IOException {
    byte[] bytes = Files.readAllBytes(dir.resolve(entry.get("file").asText()));
    int[] shape = new int[entry.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = entry.get("shape").get(i).asInt();
    }
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return Tensor.of(v, shape);
  }

  static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }
}
