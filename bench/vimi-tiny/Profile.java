import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.memory.emoji.EmojiMemory;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.VideoWriter;
import dev.vimi.video.VideoWriters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where one ViMi-tiny generation's time goes: the real pipeline ({@code VimiPipeline.generate} on the
 * committed bundle, the t2v prompt of bench/vimi-tiny/run.sh, the bundle's default steps and guidance),
 * timed through the SDK's own extension point, a {@link GenerationObserver} registered with {@code
 * VimiPipeline.Builder#observer}. The pipeline then wraps its encoder, retriever and denoisers in timing
 * decorators and reads stage and step times off its progress events (vimi-api's internal.observe
 * package); nothing in the production code is changed or stubbed.
 *
 * <p>Parts, in ms per generation (mean over {@code --runs} generations after {@code --warmup}):
 *
 * <ul>
 *   <li><b>retrieval</b> (with {@code --retrieval emoji}) and <b>encoder</b>: the condition encoder's
 *       {@code encode} of the prompt ({@code --encode each}, the default, switches the encoder's LRU cache
 *       off so every generation encodes; {@code cached} shows the warm-cache case) and its {@code empty()};
 *   <li>per stage, <b>denoiser backend</b>: the time inside {@code Denoiser.evaluateInto}, i.e. the
 *       network plus what the backend does around it (binding the input buffers, the per-element input
 *       vectors, the output checks: {@code GraphDenoiser}'s shape and finiteness checks), summed over the
 *       stage's calls;
 *   <li>per stage, <b>sampler</b>: the sampler steps' time minus their denoiser calls: preconditioning
 *       ({@code c_in}, {@code c_noise}, the double-to-float input), {@code c_skip}/{@code c_out}
 *       recombination, classifier-free guidance, the Heun/Euler update, the cancellation check and the
 *       progress events;
 *   <li><b>cascade and request, outside the steps</b>: the generation's total minus the above: request
 *       checks, initial noise, resizing the previous stage's video to the next stage's low-res input,
 *       clamping, building the result;
 *   <li><b>video writing</b> ({@code --write mp4|gif|none}, default mp4): writing the final video with
 *       vimi-video-io's writer for the extension, timed around {@code VideoWriter.write} (outside
 *       {@code generate}).
 * </ul>
 *
 * <p>Usage (from the repository root; bench/vimi-tiny/throughput.sh profile wraps it):
 *
 * <pre>
 * java -cp $(models/vimi-tiny/tools/classpath.sh) bench/vimi-tiny/Profile.java
 *     [--bundle DIR] [--backend onnx|pytorch] [--set key=value]... [--runs 5] [--warmup 2]
 *     [--encode each|cached] [--retrieval off|emoji] [--write mp4|gif|none] [--per-step]
 *     [--steps A[,B,C]] (default: the bundle's) [--prompt TEXT] [--seed 3]
 * </pre>
 */
public final class Profile {
  private static final String PROMPT = "A dog moves right quickly on a blue background";

  /** One stage of one generation. */
  static final class StageTimes {
    final String name;
    final int steps;
    final long[] stepNanos;
    final long[] netNanos;
    final int[] calls;
    final int[] rows;
    int done;
    long stageNanos;

    StageTimes(String name, int steps) {
      this.name = name;
      this.steps = steps;
      this.stepNanos = new long[steps];
      this.netNanos = new long[steps];
      this.calls = new int[steps];
      this.rows = new int[steps];
    }

    long sumSteps() {
      return Arrays.stream(stepNanos).sum();
    }

    long sumNet() {
      return Arrays.stream(netNanos).sum();
    }

    int sumCalls() {
      return Arrays.stream(calls).sum();
    }
  }

  /** One generation's events. */
  static final class GenTimes implements GenerationObservation {
    long retrievalNanos;
    long encodeNanos;
    long emptyNanos;
    long totalNanos;
    final List<StageTimes> stages = new ArrayList<>();
    Throwable error;

    @Override
    public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
      retrievalNanos += nanos;
    }

    @Override
    public void onEncoderCall(EncoderCall call, long nanos) {
      if (call == EncoderCall.ENCODE) {
        encodeNanos += nanos;
      } else {
        emptyNanos += nanos;
      }
    }

    @Override
    public void onStageStart(String stage, int stageIndex, int steps) {
      stages.add(new StageTimes(stage, steps));
    }

    @Override
    public void onDenoiserCall(String stage, int batch, long nanos) {
      StageTimes s = stages.get(stages.size() - 1);
      int i = Math.min(s.done, s.steps - 1);
      s.netNanos[i] += nanos;
      s.calls[i]++;
      s.rows[i] += batch;
    }

    @Override
    public void onStep(String stage, int stageIndex, int step, long nanos) {
      StageTimes s = stages.get(stages.size() - 1);
      s.stepNanos[step - 1] = nanos;
      s.done = step;
    }

    @Override
    public void onStageEnd(String stage, int stageIndex, int steps, long nanos) {
      stages.get(stages.size() - 1).stageNanos = nanos;
    }

    @Override
    public void onSuccess(GenerationResult result, long nanos) {
      totalNanos = nanos;
    }

    @Override
    public void onError(Throwable e, long nanos) {
      error = e;
      totalNanos = nanos;
    }
  }

  public static void main(String[] args) throws Exception {
    Path bundle = Path.of("models/vimi-tiny/bundle");
    String backend = "onnx";
    Map<String, String> cfg = new LinkedHashMap<>();
    int runs = 5;
    int warmup = 2;
    String encode = "each";
    String retrieval = "off";
    String write = "mp4";
    boolean perStep = false;
    int[] steps = null;
    String prompt = PROMPT;
    long seed = 3;
    for (int i = 0; i < args.length; i++) {
      String o = args[i];
      if (o.equals("--per-step")) {
        perStep = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + o + " needs a value");
      }
      String v = args[++i];
      switch (o) {
        case "--bundle" -> bundle = Path.of(v);
        case "--backend" -> backend = v;
        case "--set" -> cfg.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
        case "--runs" -> runs = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--encode" -> encode = v;
        case "--retrieval" -> retrieval = v;
        case "--write" -> write = v;
        case "--steps" -> steps = Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        case "--prompt" -> prompt = v;
        case "--seed" -> seed = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + o);
      }
    }
    if (!encode.equals("each") && !encode.equals("cached")) {
      throw new IllegalArgumentException("--encode takes each or cached, not " + encode);
    }
    // the observer hands out the current generation's record; generations run one after another here
    GenTimes[] current = new GenTimes[1];
    GenerationObserver observer = (GenerationContext context) -> current[0];
    VimiPipeline.Builder pb =
        VimiPipeline.builder()
            .model(ModelBundle.load(bundle).spec())
            .denoiser(backend, cfg)
            .encoder(null, encode.equals("each") ? Map.of("cache_size", "0") : Map.of())
            .observer(observer);
    switch (retrieval) {
      case "off" -> pb.noRetriever();
      case "emoji" -> pb.retriever("lucene", Map.of("index.dir", EmojiMemory.ensure(Path.of("bench/work/vimi-cache"), f -> {}).toString()));
      default -> throw new IllegalArgumentException("--retrieval takes off or emoji, not " + retrieval);
    }
    Path out = Path.of("bench/work/vimi-tiny-profile");
    Files.createDirectories(out);
    Path target = write.equals("none") ? null : out.resolve("video." + write);
    VideoWriter writer = target == null ? null : VideoWriters.forPath(target);
    String load0 = loadavg();
    List<GenTimes> all = new ArrayList<>();
    long[] writeNanos = new long[runs];
    try (VimiPipeline pipeline = pb.build()) {
      for (int r = 0; r < warmup + runs; r++) {
        GenerationRequest.Builder rb = GenerationRequest.builder().task("t2v").prompt(prompt).seed(seed + r);
        if (steps != null) {
          rb.steps(steps);
        }
        GenTimes g = new GenTimes();
        current[0] = g;
        GenerationResult res = pipeline.generate(rb.build());
        if (g.error != null) {
          throw new IllegalStateException("generation failed", g.error);
        }
        long w = 0;
        if (writer != null) {
          long t = System.nanoTime();
          writer.write(res.video(), target, 1);
          w = System.nanoTime() - t;
        }
        if (r >= warmup) {
          all.add(g);
          writeNanos[r - warmup] = w;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "ViMi-tiny profile: %s, backend %s %s (%s), steps %s, t2v \"%s\", retrieval %s, encoding %s; mean of %d generation(s) "
              + "after %d warm-up; %d cores, load %s before, %s after%n%n",
          bundle, backend, cfg, pipeline.info(), steps == null ? "bundle default" : Arrays.toString(steps), prompt, retrieval,
          encode.equals("each") ? "every generation (encoder cache off)" : "cached after warm-up", runs, warmup,
          Runtime.getRuntime().availableProcessors(), load0, loadavg());
    }
    int n = all.size();
    double total = all.stream().mapToLong(g -> g.totalNanos).sum() / 1e6 / n + Arrays.stream(writeNanos).sum() / 1e6 / n;
    List<Object[]> parts = new ArrayList<>();
    if (!retrieval.equals("off")) {
      parts.add(new Object[] {"retrieval", mean(all, g -> g.retrievalNanos)});
    }
    parts.add(new Object[] {"encoder: encode(prompt)", mean(all, g -> g.encodeNanos)});
    parts.add(new Object[] {"encoder: empty() (unconditional branch)", mean(all, g -> g.emptyNanos)});
    double inSteps = 0;
    GenTimes first = all.get(0);
    for (int s = 0; s < first.stages.size(); s++) {
      final int si = s;
      StageTimes st = first.stages.get(s);
      double net = mean(all, g -> g.stages.get(si).sumNet());
      double stepsMs = mean(all, g -> g.stages.get(si).sumSteps());
      int calls = st.sumCalls();
      int rows = Arrays.stream(st.rows).sum();
      parts.add(new Object[] {
          String.format(Locale.ROOT, "%s: denoiser backend (%d step(s), %d call(s), %d row(s))", st.name, st.steps, calls, rows), net});
      parts.add(new Object[] {st.name + ": sampler (preconditioning, guidance, Heun update)", stepsMs - net});
      inSteps += stepsMs;
    }
    double rest =
        mean(all, g -> g.totalNanos) - inSteps - mean(all, g -> g.encodeNanos + g.emptyNanos + g.retrievalNanos);
    parts.add(new Object[] {"cascade and request outside the steps (noise, low-res resize, clamp, result)", rest});
    if (target != null) {
      parts.add(new Object[] {"video writing (" + write + ", final stage, outside generate)", Arrays.stream(writeNanos).sum() / 1e6 / n});
    }
    System.out.println("| part | ms per generation | share |");
    System.out.println("| --- | ---: | ---: |");
    for (Object[] p : parts) {
      double ms = (Double) p[1];
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f%% |%n", p[0], ms, 100 * ms / total);
    }
    System.out.printf(Locale.ROOT, "| **total** | **%.1f** | 100%% |%n", total);
    double net = 0;
    for (int s = 0; s < first.stages.size(); s++) {
      final int si = s;
      net += mean(all, g -> g.stages.get(si).sumNet());
    }
    System.out.printf(
        Locale.ROOT, "%nsums: denoiser backend %.1f ms (%.1f%%), sampler %.1f ms (%.1f%%), everything else %.1f ms (%.1f%%)%n",
        net, 100 * net / total, inSteps - net, 100 * (inSteps - net) / total, total - inSteps, 100 * (total - inSteps) / total);

    System.out.println();
    System.out.println("| stage | steps | calls per step | ms per call | backend ms per step | sampler ms per step | sampler share of the steps |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int s = 0; s < first.stages.size(); s++) {
      final int si = s;
      StageTimes st = first.stages.get(s);
      double netMs = mean(all, g -> g.stages.get(si).sumNet());
      double stepsMs = mean(all, g -> g.stages.get(si).sumSteps());
      System.out.printf(
          Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f | %.3f | %.1f%% |%n",
          st.name, st.steps, st.sumCalls() / (double) st.steps, netMs / st.sumCalls(), netMs / st.steps,
          (stepsMs - netMs) / st.steps, 100 * (stepsMs - netMs) / stepsMs);
    }
    if (perStep) {
      System.out.println();
      System.out.println("| stage | step | calls | rows | backend ms | sampler ms |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
      for (int s = 0; s < first.stages.size(); s++) {
        final int si = s;
        StageTimes st = first.stages.get(s);
        for (int k = 0; k < st.steps; k++) {
          final int ki = k;
          double netMs = mean(all, g -> g.stages.get(si).netNanos[ki]);
          double stepMs = mean(all, g -> g.stages.get(si).stepNanos[ki]);
          System.out.printf(
              Locale.ROOT, "| %s | %d | %d | %d | %.2f | %.3f |%n", st.name, k + 1, st.calls[k], st.rows[k], netMs, stepMs - netMs);
        }
      }
    }
  }

  /** The three load averages, from /proc/loadavg (else the JVM's 1-minute figure). */
  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static double mean(List<GenTimes> all, java.util.function.ToLongFunction<GenTimes> f) {
    return all.stream().mapToLong(f).sum() / 1e6 / all.size();
  }
}
