package dev.vimi.bench.gpu;

import dev.vimi.api.Cancellation;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Plugins;
import dev.vimi.api.Progress;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SDK side of the GPU kit (bench/gpu/README.md): ViMi-tiny's base stage through {@code
 * VimiPipeline} on the {@code pytorch} backend, on the device asked for, with the conditioning of a
 * case folder (its {@code conditioning.f32} and {@code conditioning_mask.f32}, as the SDK's encoder
 * computed them; the kit carries no encoder), one warm-up generation, then timed ones. Writes the
 * base video ({@code sdk_base.f32}, float32 little-endian, [C, T, H, W]) and the timings ({@code
 * sdk.json}: per generation, and per sampler step from the progress events) into the output folder.
 *
 * <pre>
 * java -cp kit.jar:lib/* dev.vimi.bench.gpu.GpuCheck --bundle DIR --case DIR --out DIR
 *      [--device cuda:0] [--steps N] [--guidance W] [--seed S] [--repeat R]
 * </pre>
 *
 * A benchmark program, not library code: it prints its summary to standard output.
 */
public final class GpuCheck {
  private GpuCheck() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value pairs, got " + args[i]);
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    Path bundleDir = Path.of(required(a, "bundle"));
    Path caseDir = Path.of(required(a, "case"));
    Path out = Path.of(required(a, "out"));
    String device = a.getOrDefault("device", "cuda:0");
    int repeat = Integer.parseInt(a.getOrDefault("repeat", "3"));
    Files.createDirectories(out);

    try (ModelBundle bundle = ModelBundle.load(bundleDir)) {
      ModelSpec full = bundle.spec();
      StageSpec base = full.stages().get(0);
      // the base stage alone: the kit compares the base video, at the shape the manifest declares
      ModelSpec baseOnly = new ModelSpec(full.name(), full.directory(), List.of(base), full.encoder());
      int steps = Integer.parseInt(a.getOrDefault("steps", String.valueOf(base.steps())));
      long seed = Long.parseLong(a.getOrDefault("seed", "7"));
      double guidance = Double.parseDouble(a.getOrDefault("guidance", "3"));
      Conditioning c =
          new Conditioning(
              read(caseDir.resolve("conditioning.f32"), base.conditioningLength(), base.conditioningDim()),
              read(caseDir.resolve("conditioning_mask.f32"), base.conditioningLength()));
      GenerationRequest request =
          GenerationRequest.builder()
              .task("t2v")
              .prompt("a prompt whose conditioning the case folder holds")
              .seed(seed)
              .steps(steps)
              .guidance(Guidance.constant(guidance))
              .build();
      System.out.printf(
          Locale.ROOT, "SDK: %s stage '%s' [%d, %d, %d, %d], %d steps, guidance %s, seed %d, device %s%n",
          full.name(), base.name(), base.channels(), base.frames(), base.height(), base.width(), steps, guidance, seed,
          device);
      try (VimiPipeline p =
          VimiPipeline.builder()
              .plugins(Plugins.discover().with(new FixedConditioning(c)))
              .model(baseOnly)
              .denoiser("pytorch", Map.of("device", device))
              .encoder(FixedConditioning.NAME, Map.of())
              .noRetriever()
              .build()) {
        long t0 = System.nanoTime();
        p.generate(request);
        double warmup = (System.nanoTime() - t0) / 1e9;
        List<Double> totals = new ArrayList<>();
        List<Double> stepMs = new ArrayList<>();
        GenerationResult last = null;
        for (int r = 0; r < repeat; r++) {
          long[] prev = {0};
          long start = System.nanoTime();
          last =
              p.generate(
                  request,
                  (Progress pr) -> {
                    if (pr.phase() == Progress.Phase.SAMPLING) {
                      long now = System.nanoTime();
                      if (pr.step() > 0 && prev[0] != 0) {
                        stepMs.add((now - prev[0]) / 1e6);
                      }
                      prev[0] = now;
                    }
                  },
                  new Cancellation());
          totals.add((System.nanoTime() - start) / 1e9);
        }
        write(out.resolve("sdk_base.f32"), last.video().frames().toArray());
        double stepMedian = median(stepMs);
        String json =
            String.format(
                Locale.ROOT,
                "{\"side\":\"sdk\",\"device\":\"%s\",\"steps\":%d,\"guidance\":%s,\"seed\":%d,\"warmup_s\":%.4f,"
                    + "\"total_s\":%s,\"step_ms\":%s,\"step_ms_median\":%.3f,\"shape\":%s,\"java\":\"%s\"}%n",
                device, steps, guidance, seed, warmup, totals, stepMs.size() > 200 ? "[]" : stepMs.toString(), stepMedian,
                Arrays.toString(last.video().frames().shape()), Runtime.version());
        Files.writeString(out.resolve("sdk.json"), json);
        System.out.printf(
            Locale.ROOT, "SDK: warm-up %.2f s; %d timed runs, median %.3f s per base video, median step %.2f ms%n",
            warmup, repeat, median(totals), stepMedian);
      }
    }
  }

  private static String required(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + key);
    }
    return v;
  }

  static Tensor read(Path file, int... shape) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return Tensor.of(v, shape);
  }

  static void write(Path file, float[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    Files.write(file, b.array());
  }

  static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      return Double.NaN;
    }
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** An encoder that returns one fixed conditioning (the case's) for every prompt. */
  static final class FixedConditioning implements ConditionEncoderProvider {
    static final String NAME = "gpu-kit-fixed";
    private final Conditioning conditioning;

    FixedConditioning(Conditioning conditioning) {
      this.conditioning = conditioning;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public ConditionEncoder create(ProviderConfig config) {
      Conditioning empty = Conditioning.empty(conditioning.length(), conditioning.dim());
      return new ConditionEncoder() {
        @Override
        public Conditioning encode(MultimodalPrompt prompt) {
          return conditioning;
        }

        @Override
        public Conditioning empty() {
          return empty;
        }

        @Override
        public int length() {
          return conditioning.length();
        }

        @Override
        public int dim() {
          return conditioning.dim();
        }

        @Override
        public void close() {}
      };
    }
  }
}
