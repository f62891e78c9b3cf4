import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.memory.emoji.EmojiMemory;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * ViMi-tiny throughput: videos per minute through ONE shared {@link VimiPipeline}, for N concurrent
 * requests (N platform threads, each calling {@code generate} in a loop), and for one request that asks
 * for several videos at once ({@link GenerationRequest.Builder#count(int)}: the videos are batched
 * through the denoiser together with their guidance branches).
 *
 * <p>The request is the t2v prompt of bench/vimi-tiny/run.sh with the bundle's default steps and
 * guidance; retrieval is off (as in SdkLoop.java) unless {@code --retrieval emoji} (the Lucene retriever
 * on the embedded emoji memory, k = 2: the encoder then also runs the vision tower on the retrieved
 * images). By default every generation encodes its prompt ({@code --encode each}: the encoder's LRU cache
 * is switched off with {@code cache_size=0}, as for a stream of distinct prompts); {@code --encode cached}
 * keeps the cache, so after warm-up no generation pays for encoding (SdkLoop.java's setting).
 *
 * <p>Each row: first a warm-up (every thread generates {@code --warmup} times, concurrently, untimed),
 * then every thread loops until {@code --seconds} have passed (a generation that started before the end
 * is finished and counted; the row's wall time runs until the last one returns), or, with {@code
 * --videos N}, until the threads together have made N requests. Reported per row: videos per minute
 * (videos / wall), latency of each {@code generate} call (mean, p50, p95; with a count, of the request
 * that makes all its videos), the process's CPU time over (wall x cores) and per video, and the 1-minute
 * load average before and after the row (/proc/loadavg).
 *
 * <p>Usage (from the repository root; bench/vimi-tiny/throughput.sh wraps it):
 *
 * <pre>
 * java -cp $(models/vimi-tiny/tools/classpath.sh) bench/vimi-tiny/Throughput.java
 *     [--bundle DIR] [--backend onnx|pytorch] [--set key=value]... [--concurrency 1,2,4] [--count 4 (0: no count row)]
 *     [--seconds 60 | --videos N] [--warmup 1] [--encode each|cached] [--retrieval off|emoji]
 *     [--steps A[,B,C]] (default: the bundle's) [--prompt TEXT] [--seed 3]
 * </pre>
 */
public final class Throughput {
  private static final String PROMPT = "A dog moves right quickly on a blue background";

  public static void main(String[] args) throws Exception {
    Path bundle = Path.of("models/vimi-tiny/bundle");
    String backend = "onnx";
    Map<String, String> cfg = new LinkedHashMap<>();
    List<Integer> levels = List.of(1, 2, 4);
    int count = 4;
    double seconds = 60;
    int videos = 0;
    int warmup = 1;
    String encode = "each";
    String retrieval = "off";
    int[] steps = null;
    String prompt = PROMPT;
    long seed = 3;
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--bundle" -> bundle = Path.of(v);
        case "--backend" -> backend = v;
        case "--set" -> cfg.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
        case "--concurrency" -> levels = Arrays.stream(v.split(",")).map(String::trim).map(Integer::valueOf).toList();
        case "--count" -> count = Integer.parseInt(v);
        case "--seconds" -> seconds = Double.parseDouble(v);
        case "--videos" -> videos = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--encode" -> encode = v;
        case "--retrieval" -> retrieval = v;
        case "--steps" -> steps = Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        case "--prompt" -> prompt = v;
        case "--seed" -> seed = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!encode.equals("each") && !encode.equals("cached")) {
      throw new IllegalArgumentException("--encode takes each or cached, not " + encode);
    }
    VimiPipeline.Builder pb =
        VimiPipeline.builder()
            .model(ModelBundle.load(bundle).spec())
            .denoiser(backend, cfg)
            .encoder(null, encode.equals("each") ? Map.of("cache_size", "0") : Map.of());
    switch (retrieval) {
      case "off" -> pb.noRetriever();
      case "emoji" -> pb.retriever("lucene", Map.of("index.dir", EmojiMemory.ensure(Path.of("bench/work/vimi-cache"), f -> {}).toString()));
      default -> throw new IllegalArgumentException("--retrieval takes off or emoji, not " + retrieval);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    try (VimiPipeline pipeline = pb.build()) {
      System.out.printf(
          Locale.ROOT,
          "ViMi-tiny throughput: %s, backend %s %s, steps %s, guidance %s, t2v \"%s\", retrieval %s, encoding %s; %d cores, "
              + "load %s; %s per row after %d warm-up generation(s) per thread%n",
          bundle, backend, cfg, steps == null ? "bundle default " + stepsOf(pipeline) : Arrays.toString(steps),
          "bundle default " + guidanceOf(pipeline), prompt, retrieval, encode.equals("each") ? "every generation (encoder cache off)" : "cached after warm-up",
          cores, loadavg(), videos > 0 ? videos + " requests" : seconds + " s", warmup);
      System.out.println();
      System.out.println("| requests in flight | videos per request | videos | wall s | videos/min | latency mean s | p50 s | p95 s | process CPU / (wall x cores) | CPU s per video | load 1-min before -> after |");
      System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
      List<int[]> rows = new ArrayList<>();
      for (int n : levels) {
        rows.add(new int[] {n, 1});
      }
      if (count > 1) {
        rows.add(new int[] {1, count});
      }
      long seedBase = seed;
      for (int[] row : rows) {
        int threads = row[0];
        int perRequest = row[1];
        final String text = prompt;
        final int[] st = steps;
        LongFunction<GenerationRequest> request = s -> {
          GenerationRequest.Builder rb = GenerationRequest.builder().task("t2v").prompt(text).count(perRequest).seed(s);
          if (st != null) {
            rb.steps(st);
          }
          return rb.build();
        };
        Row r = runRow(pipeline, request, seedBase, threads, perRequest, warmup, seconds, videos, os, cores);
        System.out.printf(
            Locale.ROOT, "| %d | %d | %d | %.1f | %.2f | %.2f | %.2f | %.2f | %.0f%% | %.2f | %s -> %s |%n",
            threads, perRequest, r.videos, r.wallS, r.videos / r.wallS * 60, r.mean(), r.pct(0.50), r.pct(0.95),
            100 * r.cpuS / (r.wallS * cores), r.cpuS / r.videos, r.loadBefore, r.loadAfter);
        System.out.flush();
      }
    }
  }

  /** One row's outcome. */
  private record Row(int videos, double wallS, double cpuS, List<Double> latencies, String loadBefore, String loadAfter) {
    double mean() {
      return latencies.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** Nearest-rank percentile. */
    double pct(double p) {
      List<Double> s = new ArrayList<>(latencies);
      Collections.sort(s);
      return s.isEmpty() ? Double.NaN : s.get(Math.max(0, (int) Math.ceil(p * s.size()) - 1));
    }
  }

  private static Row runRow(
      VimiPipeline pipeline, LongFunction<GenerationRequest> request, long seedBase, int threads, int perRequest, int warmup,
      double seconds, int videos, com.sun.management.OperatingSystemMXBean os, int cores) throws Exception {
    // warm-up: every thread generates `warmup` times, concurrently, so that the backend has seen this concurrency
    runThreads(threads, t -> {
      for (int w = 0; w < warmup; w++) {
        check(pipeline.generate(request.apply(seedBase + 1000 * t + w)), perRequest);
      }
    });
    String loadBefore = loadavg1();
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicLong seq = new AtomicLong();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    AtomicLong lastEnd = new AtomicLong(t0);
    runThreads(threads, t -> {
      while (true) {
        long k = seq.getAndIncrement();
        if (videos > 0 ? k >= videos : System.nanoTime() >= deadline) {
          return;
        }
        GenerationRequest req = request.apply(seedBase + 10_000 + k * perRequest);
        long s = System.nanoTime();
        check(pipeline.generate(req), perRequest);
        long e = System.nanoTime();
        latencies.add((e - s) / 1e9);
        lastEnd.accumulateAndGet(e, Math::max);
      }
    });
    double wall = (lastEnd.get() - t0) / 1e9;
    double cpu = (os.getProcessCpuTime() - c0) / 1e9;
    return new Row(latencies.size() * perRequest, wall, cpu, List.copyOf(latencies), loadBefore, loadavg1());
  }

  private interface Body {
    void run(int thread) throws Exception;
  }

  /** Runs {@code body} on {@code n} platform threads that start together; rethrows the first failure. */
  private static void runThreads(int n, Body body) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      final int id = t;
      ts.add(Thread.ofPlatform().name("throughput-" + t).start(() -> {
        try {
          go.await();
          body.run(id);
        } catch (Throwable e) {
          errors.add(e);
        }
      }));
    }
    go.countDown();
    for (Thread t : ts) {
      t.join();
    }
    if (!errors.isEmpty()) {
      Exception e = new Exception("a generating thread failed", errors.get(0));
      errors.stream().skip(1).forEach(e::addSuppressed);
      throw e;
    }
  }

  private static void check(GenerationResult r, int perRequest) {
    if (r.video() == null || r.videos().size() != perRequest) {
      throw new IllegalStateException("expected " + perRequest + " video(s), got " + (r.videos() == null ? 0 : r.videos().size()));
    }
  }

  private static String stepsOf(VimiPipeline p) {
    return p.model().stages().stream().map(s -> s.name() + " " + s.steps()).toList().toString();
  }

  private static String guidanceOf(VimiPipeline p) {
    return p.model().stages().stream().map(s -> s.name() + " " + s.guidance()).toList().toString();
  }

  /** The three load averages, from /proc/loadavg (else the JVM's 1-minute figure). */
  static String loadavg() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  static String loadavg1() {
    return loadavg().split(" ")[0];
  }
}
