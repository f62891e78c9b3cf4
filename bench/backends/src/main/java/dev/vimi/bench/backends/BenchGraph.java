package dev.vimi.bench.backends;

import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The graph a benchmark runs and one fixed input for it. {@code bench}: the larger graph pair that
 * {@code export.py --bench bench/work/graphs} writes (C=3, T=8, 16x16, width 32, L=16, D=64);
 * {@code test-denoiser}: the tiny base-stage graph of the committed test bundle (C=3, T=4, 8x8,
 * width 16, L=6, D=16), where per-call overhead weighs more; {@code trivial}: the test bundle's
 * {@code nan} graph, sqrt(x) with the same inputs as the test denoiser, almost no compute, so that
 * its time is the per-call cost of binding inputs and reading the output.
 */
record BenchGraph(DenoiserSpec onnx, DenoiserSpec pytorch, DenoiserInput input) {

  static final List<GraphInput> INPUTS =
      List.of(
          new GraphInput("x", InputRole.NOISY_VIDEO),
          new GraphInput("c_noise", InputRole.C_NOISE),
          new GraphInput("context", InputRole.CONDITIONING),
          new GraphInput("context_mask", InputRole.CONDITIONING_MASK),
          new GraphInput("fps", InputRole.FPS),
          new GraphInput("resolution", InputRole.RESOLUTION));

  /**
   * @param model {@code bench} or {@code test-denoiser}
   * @param root the repository root
   */
  static BenchGraph load(String model, Path root) throws IOException {
    Path dir;
    String onnxFile;
    String ptFile;
    int c;
    int t;
    int h;
    int w;
    int l;
    int d;
    if (model.equals("bench")) {
      dir = root.resolve("bench/work/graphs");
      onnxFile = "bench.onnx";
      ptFile = "bench.pt";
      String json = Files.readString(dir.resolve("bench.json"));
      c = field(json, "channels");
      t = field(json, "frames");
      h = field(json, "height");
      w = field(json, "width");
      l = field(json, "conditioning_length");
      d = field(json, "conditioning_dim");
    } else if (model.equals("test-denoiser") || model.equals("trivial")) {
      dir = root.resolve("models/test-denoiser/bundle");
      onnxFile = model.equals("trivial") ? "nan.onnx" : "base.onnx";
      ptFile = model.equals("trivial") ? "nan.pt" : "base.pt";
      c = 3;
      t = 4;
      h = 8;
      w = 8;
      l = 6;
      d = 16;
    } else {
      throw new IllegalArgumentException("model must be bench, test-denoiser or trivial but is " + model);
    }
    if (!Files.isRegularFile(dir.resolve(onnxFile))) {
      throw new IllegalStateException(
          dir.resolve(onnxFile) + " is missing; run /usr/bin/python3 models/test-denoiser/export.py --bench bench/work/graphs");
    }
    DenoiserSpec onnx = spec(c, t, h, w, l, d, new GraphSpec(dir.resolve(onnxFile), INPUTS, "out", true, "fp32"));
    DenoiserSpec pt = spec(c, t, h, w, l, d, new GraphSpec(dir.resolve(ptFile), INPUTS, "out", true, "fp32"));
    Random r = new Random(42);
    float[] x = new float[c * t * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.abs(r.nextGaussian()); // non-negative: the trivial graph returns sqrt(x)
    }
    float[] cond = new float[l * d];
    for (int i = 0; i < cond.length; i++) {
      cond[i] = (float) r.nextGaussian();
    }
    float[] mask = new float[l];
    java.util.Arrays.fill(mask, 0, Math.max(1, l / 2), 1f);
    DenoiserInput in =
        new DenoiserInput(
            Tensor.of(x, 1, c, t, h, w), new float[] {1.5f}, new float[] {(float) (Math.log(1.5) / 4)},
            Tensor.of(cond, 1, l, d), Tensor.of(mask, 1, l), 24f, null);
    return new BenchGraph(onnx, pt, in);
  }

  private static DenoiserSpec spec(int c, int t, int h, int w, int l, int d, GraphSpec g) {
    return new DenoiserSpec("bench", OutputKind.EDM, 0.5, c, t, h, w, l, d, Optional.of(g));
  }

  private static int field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("bench.json has no " + name);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The repository root: the working directory or one of its parents holding models/test-denoiser. */
  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("models/test-denoiser"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("run the benchmark from inside the vimi checkout");
    }
    return p;
  }
}
