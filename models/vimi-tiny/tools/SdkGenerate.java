import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Plugins;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one request through the SDK (VimiPipeline: mllm encoder from the bundle, the chosen denoiser
 * backend, optionally the Lucene memory) and writes what the Python reference sampler needs to redo
 * it: case.json, the conditioning the SDK's encoder computed (conditioning.f32, conditioning_mask.f32)
 * and the SDK's stage videos (sdk_base.f32, sdk.f32; float32 little endian, [C, T, H, W]).
 *
 * <p>Usage: java -cp $(models/vimi-tiny/tools/classpath.sh) models/vimi-tiny/tools/SdkGenerate.java
 * --bundle DIR --out CASE_DIR [--backend onnx|pytorch] [--task t2v|subject|predict] --prompt TEXT
 * [--image PNG]... [--first-frame PNG] [--seed N] [--steps A[,B]] [--guidance W] [--memory INDEX_DIR]
 * [--repeat N] (N timed repetitions after one warm-up run)
 */
public final class SdkGenerate {
  public static void main(String[] args) throws Exception {
    Map<String, List<String>> a = parse(args);
    Path bundleDir = Path.of(one(a, "bundle", null));
    Path out = Path.of(one(a, "out", null));
    String backend = one(a, "backend", "onnx");
    String task = one(a, "task", "t2v");
    long seed = Long.parseLong(one(a, "seed", "0"));
    int repeat = Integer.parseInt(one(a, "repeat", "0"));
    Files.createDirectories(out);

    ModelSpec spec = ModelBundle.load(bundleDir).spec();
    VimiPipeline.Builder pb = VimiPipeline.builder().model(spec).denoiser(backend, Map.of());
    String memory = one(a, "memory", null);
    if (memory == null || task.equals("subject") || task.equals("predict")) {
      pb.noRetriever();
    } else {
      pb.retriever("lucene", Map.of("index.dir", memory));
    }
    List<ImageRef> images = new ArrayList<>();
    for (String p : a.getOrDefault("image", List.of())) {
      images.add(ImageRef.of(Path.of(p).toAbsolutePath()));
    }
    GenerationRequest.Builder rb =
        GenerationRequest.builder().task(task).prompt(one(a, "prompt", null), images.toArray(ImageRef[]::new)).seed(seed);
    String ff = one(a, "first-frame", null);
    if (ff != null) {
      rb.firstFrame(ImageRef.of(Path.of(ff).toAbsolutePath()));
    }
    String steps = one(a, "steps", null);
    if (steps != null) {
      String[] s = steps.split(",");
      int[] n = new int[s.length];
      for (int i = 0; i < s.length; i++) {
        n[i] = Integer.parseInt(s[i].trim());
      }
      rb.steps(n);
    }
    String g = one(a, "guidance", null);
    if (g != null) {
      rb.guidance(Guidance.constant(Double.parseDouble(g)));
    }
    GenerationRequest request = rb.build();
    try (VimiPipeline pipeline = pb.build()) {
      long t0 = System.nanoTime();
      GenerationResult r = pipeline.generate(request);
      double first = (System.nanoTime() - t0) / 1e9;
      double[] times = new double[repeat];
      for (int i = 0; i < repeat; i++) {
        long t = System.nanoTime();
        pipeline.generate(request);
        times[i] = (System.nanoTime() - t) / 1e9;
      }
      write(out.resolve("sdk_base.f32"), r.stageVideos().get(0).frames());
      write(out.resolve("sdk.f32"), r.video().frames());

      // the conditioning, from an encoder opened with the bundle's settings (the pipeline's own is internal)
      ProviderContext bundle = ProviderContext.ofBundle(bundleDir.toAbsolutePath(), spec.encoder().settings());
      try (ConditionEncoder enc =
          Plugins.discover().encoders().get(spec.encoder().provider()).create(ProviderConfig.empty("encoder"), bundle)) {
        Conditioning c = enc.encode(r.prompt());
        write(out.resolve("conditioning.f32"), c.tokens());
        write(out.resolve("conditioning_mask.f32"), c.mask());
      }
      StringBuilder json = new StringBuilder();
      json.append("{\n  \"task\": ").append(q(task))
          .append(",\n  \"prompt\": ").append(q(one(a, "prompt", null)))
          .append(",\n  \"prompt_text\": ").append(q(r.prompt().toPlaceholderText()))
          .append(",\n  \"images\": [");
      List<String> imgs = a.getOrDefault("image", List.of());
      for (int i = 0; i < imgs.size(); i++) {
        json.append(i == 0 ? "" : ", ").append(q(imgs.get(i)));
      }
      json.append("],\n  \"first_frame\": ").append(ff == null ? "null" : q(ff))
          .append(",\n  \"seed\": ").append(seed)
          .append(",\n  \"steps\": ").append(steps == null ? "null" : "[" + steps + "]")
          .append(",\n  \"guidance\": ").append(g == null ? "null" : g)
          .append(",\n  \"fps\": ").append(r.video().fps())
          .append(",\n  \"backend\": ").append(q(backend))
          .append(",\n  \"retrieved\": [");
      List<RetrievedItem> hits = r.retrieved();
      for (int i = 0; i < hits.size(); i++) {
        json.append(i == 0 ? "" : ", ").append(q(hits.get(i).id()));
      }
      json.append("]\n}\n");
      Files.writeString(out.resolve("case.json"), json.toString());
      System.out.printf(Locale.ROOT, "SDK (%s): first generate %.2f s (includes warm-up)%n", backend, first);
      if (repeat > 0) {
        java.util.Arrays.sort(times);
        System.out.printf(Locale.ROOT, "SDK (%s): %d timed runs, median %.2f s, min %.2f s, max %.2f s%n", backend, repeat,
            times[repeat / 2], times[0], times[repeat - 1]);
      }
      System.out.println("retrieved: " + hits.stream().map(h -> h.id() + " (" + h.caption() + ")").toList());
      System.out.println("wrote " + out);
    }
  }

  private static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  static void write(Path p, Tensor t) throws IOException {
    float[] v = t.toArray();
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    Files.write(p, b.array());
  }

  private static String one(Map<String, List<String>> a, String key, String def) {
    List<String> v = a.get(key);
    if (v == null || v.isEmpty()) {
      if (def == null && !key.equals("memory") && !key.equals("first-frame") && !key.equals("steps") && !key.equals("guidance")) {
        throw new IllegalArgumentException("missing --" + key);
      }
      return def;
    }
    return v.get(v.size() - 1);
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
      }
      m.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
    }
    return m;
  }
}
