package dev.vimi.bench.shared;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToIntFunction;

/**
 * The query loop both sides of the benchmark use, compiled into each runner from this one source
 * (bench/retrieval/shared, added as a source root by build-helper-maven-plugin), since the two run on
 * different class paths and neither may see the other's Lucene. Two warm-up passes, then PASSES timed passes over all
 * queries; THREADS threads take the next query from a shared counter. Reports wall time and the CPU
 * time of the query threads.
 */
public final class Queries {
  private Queries() {}

  /**
   * @param queries queries timed
   * @param seconds wall time
   * @param cpuSeconds CPU time of the query threads together
   * @param checksum hits returned (a sanity check that both sides did the work)
   */
  public record Timing(long queries, double seconds, double cpuSeconds, long checksum) {
    public double qps() {
      return queries / seconds;
    }

    /** Queries per second if each thread had a core to itself: robust against other load on the machine. */
    public double cpuQps(int threads) {
      return queries / (cpuSeconds / threads);
    }
  }

  public static List<String[]> read(Path file) throws IOException {
    List<String[]> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        out.add(new String[] {line.substring(0, tab), line.substring(tab + 1)});
      }
    }
    return out;
  }

  public static Timing time(List<String[]> queries, int threads, int passes, ToIntFunction<String> search) throws InterruptedException {
    run(queries, threads, 2, search, new AtomicLong()); // warm-up: JIT, page cache
    AtomicLong cpu = new AtomicLong();
    long start = System.nanoTime();
    long checksum = run(queries, threads, passes, search, cpu);
    double secs = (System.nanoTime() - start) / 1e9;
    return new Timing((long) queries.size() * passes, secs, cpu.get() / 1e9, checksum);
  }

  private static long run(List<String[]> queries, int threads, int passes, ToIntFunction<String> search, AtomicLong cpuNanos)
      throws InterruptedException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int total = queries.size() * passes;
    AtomicInteger next = new AtomicInteger();
    AtomicLong hits = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                long cpu0 = mx.getCurrentThreadCpuTime();
                long local = 0;
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                  local += search.applyAsInt(queries.get(i % queries.size())[1]);
                }
                hits.addAndGet(local);
                cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
              });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
    return hits.get();
  }
}
