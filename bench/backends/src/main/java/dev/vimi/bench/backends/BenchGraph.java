package dev.vimi.bench.backends;

import dev.vimi.api.StageSpec;
import dev.vimi.api.model.ModelBundle;
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
 * its time is the per-call cost of binding inputs and reading the output; {@code vimi-tiny} (or
 * {@code vimi-tiny:STAGE}): ViMi-tiny's first (or named) stage at the shape and with the inputs its
 * manifest declares ({@code models/vimi-tiny/bundle}, read at run time: the bundle may be retrained
 * to another shape), with a batch of 2 when the stage's default guidance needs the unconditioned
 * branch too (the sampler then sends both in one call), else 1.
 */
record BenchGraph(String name, DenoiserSpec onnx, DenoiserSpec pytorch, DenoiserInput input) {

  static final List<GraphInput> INPUTS =
      List.of(
          new GraphInput("x", InputRole.NOISY_VIDEO),
          new GraphInput("c_noise", InputRole.C_NOISE),
          new GraphInput("context", InputRole.CONDITIONING),
          new GraphInput("context_mask", InputRole.CONDITIONING_MASK),
          new GraphInput("fps", InputRole.FPS),
          new GraphInput("resolution", InputRole.RESOLUTION));

  /**
   * @param model {@code bench}, {@code test-denoiser}, {@code trivial}, {@code vimi-tiny} or {@code vimi-tiny:STAGE}
   * @param root the repository root
   */
  static BenchGraph load(String model, Path root) throws IOException {
    if (model.equals("vimi-tiny") || model.startsWith("vimi-tiny:")) {
      return vimiTiny(model, root);
    }
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
      throw new IllegalArgumentException("model must be bench, test-denoiser, trivial or vimi-tiny[:STAGE] but is " + model);
    }
    if (!Files.isRegularFile(dir.resolve(onnxFile))) {
      throw new IllegalStateException(
          dir.resolve(onnxFile) + " is missing; run /usr/bin/python3 models/test-denoiser/export.py --bench bench/work/graphs");
    }
    DenoiserSpec onnx = spec(c, t, h, w, l, d, new GraphSpec(dir.resolve(onnxFile), INPUTS, "out", true, "fp32"));
    DenoiserSpec pt = spec(c, t, h, w, l, d, new GraphSpec(dir.resolve(ptFile), INPUTS, "out", true, "fp32"));
    return new BenchGraph(model, onnx, pt, input(onnx, 1, false));
  }

  private static BenchGraph vimiTiny(String model, Path root) {
    try (ModelBundle bundle = ModelBundle.load(root.resolve("models/vimi-tiny/bundle"))) {
      StageSpec stage =
          model.contains(":") ? bundle.stage(model.substring(model.indexOf(':') + 1)) : bundle.spec().stages().get(0);
      DenoiserSpec onnx = stage.denoiserSpec("onnx");
      DenoiserSpec pt = stage.denoiserSpec("pytorch");
      boolean guided = !stage.guidance().isIdentity() && onnx.graph().orElseThrow().dynamicBatch();
      boolean lowRes = onnx.graph().orElseThrow().inputs().stream().anyMatch(i -> i.role() == InputRole.LOW_RES_VIDEO);
      String name = "vimi-tiny " + stage.name() + " [" + (guided ? 2 : 1) + "," + stage.channels() + "," + stage.frames()
          + "," + stage.height() + "," + stage.width() + "]";
      return new BenchGraph(name, onnx, pt, input(onnx, guided ? 2 : 1, lowRes));
    }
  }

  /** A fixed pseudo-random input for {@code s} with batch {@code b}; the video is non-negative (sqrt graph). */
  private static DenoiserInput input(DenoiserSpec s, int b, boolean lowRes) {
    int c = s.channels();
    int t = s.frames();
    int h = s.height();
    int w = s.width();
    int l = s.conditioningLength();
    int d = s.conditioningDim();
    Random r = new Random(42);
    float[] x = new float[b * c * t * h * w];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.abs(r.nextGaussian()); // non-negative: the trivial graph returns sqrt(x)
    }
    float[] cond = new float[b * l * d];
    for (int i = 0; i < cond.length; i++) {
      cond[i] = (float) r.nextGaussian();
    }
    float[] mask = new float[b * l];
    for (int i = 0; i < b; i++) {
      java.util.Arrays.fill(mask, i * l, i * l + Math.max(1, l / 2), 1f);
    }
    float[] sigma = new float[b];
    float[] cNoise = new float[b];
    java.util.Arrays.fill(sigma, 1.5f);
    java.util.Arrays.fill(cNoise, (float) (Math.log(1.5) / 4));
    Tensor low = null;
    if (lowRes) {
      float[] lr = new float[x.length];
      for (int i = 0; i < lr.length; i++) {
        lr[i] = (float) r.nextGaussian();
      }
      low = Tensor.of(lr, b, c, t, h, w);
    }
    return new DenoiserInput(
        Tensor.of(x, b, c, t, h, w), sigma, cNoise, Tensor.of(cond, b, l, d), Tensor.of(mask, b, l), 24f, low);
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

  /** The values fed to one graph input: its role's data as float32, and its shape. */
  record Feed(String name, float[] values, long[] shape, boolean large) {}

  /**
   * The inputs of the graph of {@code spec} (this graph's onnx or pytorch spec) in the manifest's order, by role, as a caller who wrote the call by
   * hand would compute them: {@code large} for the tensors (video, conditioning, mask) that live in
   * direct buffers and are bound without a copy, else a few values per batch element.
   */
  java.util.List<Feed> feeds(DenoiserSpec spec) {
    DenoiserInput in = input;
    int b = in.batch();
    java.util.List<Feed> out = new java.util.ArrayList<>();
    for (GraphInput gi : spec.graph().orElseThrow().inputs()) {
      out.add(
          switch (gi.role()) {
            case NOISY_VIDEO -> new Feed(gi.name(), in.x().toArray(), longs(in.x().shape()), true);
            case LOW_RES_VIDEO -> new Feed(gi.name(), in.lowRes().toArray(), longs(in.lowRes().shape()), true);
            case CONDITIONING -> new Feed(gi.name(), in.conditioning().toArray(), longs(in.conditioning().shape()), true);
            case CONDITIONING_MASK -> new Feed(gi.name(), in.mask().toArray(), longs(in.mask().shape()), true);
            case SIGMA -> new Feed(gi.name(), in.sigma(), new long[] {b}, false);
            case C_NOISE -> new Feed(gi.name(), in.cNoise(), new long[] {b}, false);
            case FPS -> {
              float[] f = new float[b];
              java.util.Arrays.fill(f, in.fps());
              yield new Feed(gi.name(), f, new long[] {b}, false);
            }
            case RESOLUTION -> {
              float[] r = new float[2 * b];
              for (int i = 0; i < b; i++) {
                r[2 * i] = in.height();
                r[2 * i + 1] = in.width();
              }
              yield new Feed(gi.name(), r, new long[] {b, 2}, false);
            }
          });
    }
    return out;
  }

  static long[] longs(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
    }
    return s;
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
