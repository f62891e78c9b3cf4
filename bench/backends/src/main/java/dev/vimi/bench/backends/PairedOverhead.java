package dev.vimi.bench.backends;

import java.util.Arrays;
import java.util.Locale;

/**
 * A second view of the same comparison, robust to a busy machine: in one JVM, the vimi call and the
 * raw call alternate (ABBA order) and each call is timed; the overhead is the median of the per-pair
 * differences over the median raw time. Slow drifts of machine load hit both sides of a pair alike.
 *
 * <pre>
 * mvn -q -B -f bench/backends/pom.xml compile exec:exec -Dexec.mainClass=… (see README.md)
 * </pre>
 *
 * Arguments: {@code pairs warmupPairs threads [onnx|pytorch] models...} (default {@code 400 100 1 bench
 * test-denoiser trivial}, both backends); models are those of {@link BenchGraph}, e.g. {@code vimi-tiny}.
 * Prints a Markdown table (a benchmark harness, not library code).
 */
public final class PairedOverhead {
  private PairedOverhead() {}

  interface Call {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    String only = args.length > 3 && (args[3].equals("onnx") || args[3].equals("pytorch")) ? args[3] : null;
    int first = only == null ? 3 : 4;
    String[] models =
        args.length > first ? Arrays.copyOfRange(args, first, args.length) : new String[] {"bench", "test-denoiser", "trivial"};
    System.out.printf(
        Locale.ROOT, "load average at start: %.2f (%d cores)%n",
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| comparison (A vs B) | graph | threads | A median (us) | B median (us) | median paired diff (us) | overhead |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    for (String model : only != null && only.equals("pytorch") ? new String[0] : models) {
      OnnxOverhead o = new OnnxOverhead();
      o.model = model;
      o.threads = threads;
      o.setup();
      try {
        // like for like: the output into a buffer the caller reuses, on both sides (the sampler's call)
        report("onnx evaluateInto vs OrtSession.run, output pinned in a reused buffer", o.label, threads, pairs, warmup,
            o::vimiEvaluateInto, o::rawSessionRunPinned);
        // like for like: a new output per call on both sides
        report("onnx evaluate vs OrtSession.run, output copied to a new array", o.label, threads, pairs, warmup,
            o::vimiEvaluate, o::rawSessionRun);
        report("onnx evaluateInto vs OrtSession.run, inputs prebound (floor)", o.label, threads, pairs, warmup,
            o::vimiEvaluateInto, o::rawSessionRunPrebound);
        if (System.getenv("BENCH_DIAG") != null) {
          report("diag: raw, output pinned in a new buffer vs a reused one", o.label, threads, pairs, warmup,
              o::rawSessionRunPinnedFresh, o::rawSessionRunPinned);
          report("diag: raw, session B vs session A (A/A)", o.label, threads, pairs, warmup,
              o::rawSessionRunPinnedOtherSession, o::rawSessionRunPinned);
        }
      } finally {
        o.tearDown();
      }
    }
    for (String model : only != null && only.equals("onnx") ? new String[0] : models) {
      PyTorchOverhead p = new PyTorchOverhead();
      p.model = model;
      p.threads = threads;
      p.setup();
      try {
        report("pytorch vs DJL Predictor.predict", p.label, threads, pairs, warmup, p::vimiEvaluate, p::rawPredict);
        report("pytorch vs DJL Predictor.predict, prebound", p.label, threads, pairs, warmup, p::vimiEvaluate, p::rawPredictPrebound);
      } finally {
        p.tearDown();
      }
    }
    System.out.printf(
        Locale.ROOT, "load average at end: %.2f%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void report(String what, String model, int threads, int pairs, int warmup, Call vimi, Call raw) throws Exception {
    for (int i = 0; i < warmup; i++) {
      vimi.run();
      raw.run();
    }
    long[] tv = new long[pairs];
    long[] tr = new long[pairs];
    long[] diff = new long[pairs];
    for (int i = 0; i < pairs; i++) {
      if ((i & 1) == 0) {
        tv[i] = time(vimi);
        tr[i] = time(raw);
      } else {
        tr[i] = time(raw);
        tv[i] = time(vimi);
      }
      diff[i] = tv[i] - tr[i];
    }
    double mv = median(tv) / 1e3;
    double mr = median(tr) / 1e3;
    double md = median(diff) / 1e3;
    System.out.printf(
        Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %+.2f%% |%n", what, model, threads, mv, mr, md, 100 * md / mr);
  }

  private static long time(Call c) throws Exception {
    long t0 = System.nanoTime();
    Object r = c.run();
    long t = System.nanoTime() - t0;
    if (r == null) {
      throw new IllegalStateException("no result");
    }
    return t;
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  }
}
