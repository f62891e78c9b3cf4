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
 * Arguments: {@code pairs warmupPairs threads models...} (default {@code 400 100 1 bench test-denoiser trivial}).
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
    String[] models = args.length > 3 ? Arrays.copyOfRange(args, 3, args.length) : new String[] {"bench", "test-denoiser", "trivial"};
    System.out.println("| backend | graph | threads | vimi median (us) | raw median (us) | median paired diff (us) | overhead |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    for (String model : models) {
      OnnxOverhead o = new OnnxOverhead();
      o.model = model;
      o.threads = threads;
      o.setup();
      try {
        report("onnx vs OrtSession.run", model, threads, pairs, warmup, o::vimiEvaluate, o::rawSessionRun);
        report("onnx vs OrtSession.run, prebound", model, threads, pairs, warmup, o::vimiEvaluate, o::rawSessionRunPrebound);
      } finally {
        o.tearDown();
      }
    }
    for (String model : models) {
      PyTorchOverhead p = new PyTorchOverhead();
      p.model = model;
      p.threads = threads;
      p.setup();
      try {
        report("pytorch vs DJL Predictor.predict", model, threads, pairs, warmup, p::vimiEvaluate, p::rawPredict);
        report("pytorch vs DJL Predictor.predict, prebound", model, threads, pairs, warmup, p::vimiEvaluate, p::rawPredictPrebound);
      } finally {
        p.tearDown();
      }
    }
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
