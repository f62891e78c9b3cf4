package dev.vimi.cli;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak harness of issue 15: N threads generate with one shared pipeline (ViMi-tiny on ONNX Runtime,
 * the embedded emoji memory, the mllm encoder) for M minutes, and the process's memory is sampled
 * every S seconds, then once more after {@code close()} and a GC: resident set size (RSS, from
 * /proc/self/status), the Java heap's committed and used sizes, non-heap committed, and direct
 * buffers. Not a test and not timed: it records figures for the note and {@code bench/soak/README.md}.
 *
 * <pre>
 * java -Xmx1g -cp 'samples/cli/target/vimi-cli.jar:samples/cli/target/lib/*' dev.vimi.cli.Soak \
 *     THREADS MINUTES SAMPLE_SECONDS OUT.csv [STEPS]
 * </pre>
 *
 * Every thread cycles through its own prompts and seeds (prompts repeat, so the encoder's cache is
 * exercised at its bound); each generation's steps default to the model's.
 */
public final class Soak {
  private static final String[] SUBJECTS = {"dog", "cat", "ghost", "rocket", "apple", "fish", "car", "star", "tree", "robot"};
  private static final String[] MOTIONS = {"moves left", "moves right", "moves up", "moves down", "grows", "shrinks", "stays still"};
  private static final String[] COLOURS = {"red", "blue", "green", "yellow", "purple", "orange", "white", "black"};

  private Soak() {}

  public static void main(String[] args) throws Exception {
    int threads = Integer.parseInt(args[0]);
    double minutes = Double.parseDouble(args[1]);
    int sampleSeconds = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    Path home = GenerateCommand.home();
    Path memory = DefaultMemory.ensure(err, ProgressBar.Mode.LINES);
    ModelSpec model = ModelBundle.load(home.resolve("models/vimi-tiny/bundle")).spec();

    List<String> rows = new ArrayList<>();
    rows.add("phase,seconds,generations,rss_mb,heap_committed_mb,heap_used_mb,nonheap_committed_mb,direct_mb");
    long start = System.nanoTime();
    AtomicLong done = new AtomicLong();
    rows.add(sample("baseline", start, done.get()));
    print(rows);

    VimiPipeline pipeline =
        VimiPipeline.builder()
            .model(model)
            .denoiser("onnx", Map.of())
            .retriever(Memories.LUCENE, Map.of(Memories.INDEX_DIR, memory.toString()))
            .build();
    rows.add(sample("built", start, done.get()));
    print(rows);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w =
          new Thread(
              () -> {
                long i = 0;
                while (!stop.get() && failure.get() == null) {
                  int n = (int) ((id * 7919L + i) % 560);
                  String prompt = "a " + SUBJECTS[n % 10] + " " + MOTIONS[n / 10 % 7] + " on a " + COLOURS[n / 70 % 8] + " background";
                  GenerationRequest.Builder r = GenerationRequest.builder().prompt(prompt).seed(id * 1_000_000L + i);
                  if (steps > 0) {
                    r.steps(steps);
                  }
                  try {
                    pipeline.generate(r.build());
                  } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                  }
                  done.incrementAndGet();
                  i++;
                }
              },
              "soak-" + t);
      w.start();
      workers.add(w);
    }
    long end = start + (long) (minutes * 60e9);
    long next = System.nanoTime() + sampleSeconds * 1_000_000_000L;
    while (System.nanoTime() < end && failure.get() == null) {
      Thread.sleep(Math.max(1, Math.min(end, next) - System.nanoTime()) / 1_000_000);
      if (System.nanoTime() >= next) {
        rows.add(sample("running", start, done.get()));
        print(rows);
        next += sampleSeconds * 1_000_000_000L;
      }
    }
    stop.set(true);
    for (Thread w : workers) {
      w.join();
    }
    rows.add(sample("stopped", start, done.get()));
    pipeline.close();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(500);
    }
    rows.add(sample("closed+gc", start, done.get()));
    print(rows);
    Files.write(out, rows);
    if (failure.get() != null) {
      failure.get().printStackTrace();
      System.exit(1);
    }
  }

  private static void print(List<String> rows) {
    System.out.println(rows.get(rows.size() - 1));
  }

  private static String sample(String phase, long start, long generations) throws IOException {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long direct = 0;
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals("direct")) {
        direct = b.getMemoryUsed();
      }
    }
    return String.format(
        Locale.ROOT,
        "%s,%.0f,%d,%.0f,%.0f,%.0f,%.0f,%.1f",
        phase,
        (System.nanoTime() - start) / 1e9,
        generations,
        rssKb() / 1024.0,
        mem.getHeapMemoryUsage().getCommitted() / 1048576.0,
        mem.getHeapMemoryUsage().getUsed() / 1048576.0,
        mem.getNonHeapMemoryUsage().getCommitted() / 1048576.0,
        direct / 1048576.0);
  }

  /** VmRSS of this process in KiB (Linux), or -1. */
  private static long rssKb() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
