package dev.vimi.backend.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The test denoisers that take conditioning frames (models/test-denoiser/bundle-known, made by
 * {@code export.py --known}) on ONNX Runtime: the known_frames and known_mask inputs are bound by
 * role, and the outputs match what PyTorch computed for the exported cases.
 */
class OnnxKnownFramesTest {

  static Path dir() throws Exception {
    return Path.of(OnnxKnownFramesTest.class.getResource("/test-denoiser-known/" + ModelBundle.MANIFEST).toURI()).getParent();
  }

  /** A case of the known bundle: inputs by role, and PyTorch's output. */
  record KnownCase(DenoiserInput input, float[] expected) {
    static KnownCase read(Path bundle, String name) throws IOException {
      Path cdir = bundle.resolve("cases").resolve(name);
      JsonNode meta = new JsonMapper().readTree(cdir.resolve("case.json").toFile());
      JsonNode in = meta.get("inputs");
      Tensor lowRes = in.has("low_res_video") ? tensor(cdir, in.get("low_res_video")) : null;
      DenoiserInput input =
          new DenoiserInput(
              tensor(cdir, in.get("noisy_video")), tensor(cdir, in.get("sigma")).toArray(), tensor(cdir, in.get("c_noise")).toArray(),
              tensor(cdir, in.get("conditioning")), tensor(cdir, in.get("conditioning_mask")), tensor(cdir, in.get("fps")).get(0),
              lowRes, tensor(cdir, in.get("known_frames")), tensor(cdir, in.get("known_mask")));
      return new KnownCase(input, tensor(cdir, meta.get("expected")).toArray());
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
  }

  @Test
  void knownFramesReachTheGraphAndTheOutputMatchesPyTorch() throws Exception {
    try (ModelBundle bundle = ModelBundle.load(dir())) {
      for (String stage : new String[] {"base", "upsampler"}) {
        KnownCase c = KnownCase.read(dir(), stage);
        try (Denoiser d = new OnnxDenoiserProvider().create(bundle.stage(stage).denoiserSpec("onnx"), ProviderConfig.empty("onnx"))) {
          assertThat(d.takesKnownFrames()).isTrue();
          float[] got = d.evaluate(c.input()).toArray();
          assertThat(TestBundle.maxAbsDiff(got, c.expected())).as("stage %s", stage).isLessThanOrEqualTo(1e-4);
          // the known frames matter: other known pixels give another output
          DenoiserInput in = c.input();
          DenoiserInput other =
              new DenoiserInput(in.x(), in.sigma(), in.cNoise(), in.conditioning(), in.mask(), in.fps(), in.lowRes(),
                  Tensor.filled(0.9f, in.knownFrames().shape()), in.knownMask());
          assertThat(TestBundle.maxAbsDiff(d.evaluate(other).toArray(), got)).isGreaterThan(1e-3);
          // no known frames at all is the same as an all-zero mask and zero frames
          DenoiserInput none = new DenoiserInput(in.x(), in.sigma(), in.cNoise(), in.conditioning(), in.mask(), in.fps(), in.lowRes());
          DenoiserInput zeros =
              new DenoiserInput(in.x(), in.sigma(), in.cNoise(), in.conditioning(), in.mask(), in.fps(), in.lowRes(),
                  Tensor.zeros(in.x().shape()), Tensor.zeros(in.batch(), in.x().dim(2)));
          assertThat(d.evaluate(none).toArray()).isEqualTo(d.evaluate(zeros).toArray());
        }
      }
    }
    // the plain test bundle's graphs take none
    try (Denoiser d = new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.empty("onnx"))) {
      assertThat(d.takesKnownFrames()).isFalse();
    }
  }
}
