package dev.vimi.compat;

import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.NamedProvider;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.SelfTestSetup;
import dev.vimi.spi.TaskProvider;
import dev.vimi.spi.VideoWriterProvider;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Finds every provider on the module path (or class path) and runs its contract checks, printing one
 * report line per provider and the failures in full. Exit status 0 if every provider that could be
 * tested passed, 1 otherwise. Providers that need outside help (a model bundle, a cluster) and offer
 * no self-test are listed as skipped.
 *
 * <pre>java --module-path jars/ -m dev.vimi.compat/dev.vimi.compat.CompatRunner</pre>
 *
 * <p>Instances are not thread-safe; {@link #run()} is meant to be called once.
 */
public final class CompatRunner {

  /** The outcome for one provider. */
  public record Report(String kind, String provider, String source, int passed, List<String> failures, String skipped) {
    public boolean ok() {
      return skipped != null || failures.isEmpty();
    }

    @Override
    public String toString() {
      String status = skipped != null ? "SKIP" : failures.isEmpty() ? "PASS" : "FAIL";
      String counts = skipped != null ? skipped : passed + "/" + (passed + failures.size()) + " checks";
      return String.format("%-4s %-10s %-18s %s  [%s]", status, kind, provider, counts, source);
    }
  }

  private final ClassLoader loader;
  private final long seed;

  public CompatRunner(ClassLoader loader, long seed) {
    this.loader = loader;
    this.seed = seed;
  }

  public static void main(String[] args) throws Exception {
    long seed = CompatSeed.current();
    List<Report> reports = new CompatRunner(CompatRunner.class.getClassLoader(), seed).run();
    PrintStream out = System.out;
    out.println("vimi compatibility report (seed " + seed + ")");
    boolean ok = true;
    for (Report r : reports) {
      out.println(r);
      for (String f : r.failures()) {
        out.println("     - " + f.replace("\n", "\n       "));
      }
      ok &= r.ok();
    }
    long failed = reports.stream().filter(r -> !r.ok()).count();
    long skipped = reports.stream().filter(r -> r.skipped() != null).count();
    out.println((reports.size() - failed - skipped) + " passed, " + failed + " failed, " + skipped + " skipped");
    System.exit(ok ? 0 : 1);
  }

  /** Runs every discovered provider's checks. */
  public List<Report> run() throws Exception {
    List<Report> reports = new ArrayList<>();
    Path work = Files.createTempDirectory("vimi-compat-runner");
    try {
      for (RetrieverProvider p : load(RetrieverProvider.class)) {
        Path dir = Files.createTempDirectory(work, p.name());
        Optional<ProviderConfig> cfg = p.selfTest(dir.resolve("memory")).map(SelfTestSetup::config);
        if (cfg.isEmpty()) {
          reports.add(skip("retriever", p, "needs external infrastructure; run its suite in its own tests"));
          continue;
        }
        RetrieverContract.Factory f =
            (memory, wd) -> {
              try (MemoryWriter w = p.openWriter(cfg.get())) {
                for (ImageTextPair pair : memory) {
                  w.add(pair);
                }
                w.commit();
              }
              Retriever r = p.open(cfg.get());
              return r;
            };
        try (RetrieverContract c = new RetrieverContract(f, dir, seed, RetrieverContract.Capabilities.DEFAULT)) {
          reports.add(runChecks("retriever", p, c.checks(), seed));
        }
      }
      for (RetrieverProvider p : load(RetrieverProvider.class)) {
        // the writer of each memory, on fresh memories of the provider's self-test configuration
        Path dir = Files.createTempDirectory(work, "writer-" + p.name());
        if (p.selfTest(dir.resolve("probe")).isEmpty()) {
          reports.add(skip("memory", p, "needs external infrastructure; run its suite in its own tests"));
          continue;
        }
        MemoryWriterContract.Factory f = wd -> new MemoryWriterContract.MemoryUnderTest(p, p.selfTest(wd).orElseThrow().config());
        try (MemoryWriterContract c = new MemoryWriterContract(f, dir, seed)) {
          reports.add(runChecks("memory", p, c.checks(), seed));
        }
      }
      for (ConditionEncoderProvider p : load(ConditionEncoderProvider.class)) {
        Path dir = Files.createTempDirectory(work, p.name());
        Optional<SelfTestSetup> setup = p.selfTest(dir);
        if (setup.isEmpty()) {
          reports.add(skip("encoder", p, "needs a model bundle; run its suite in its own tests"));
          continue;
        }
        dev.vimi.spi.ConditionEncoder enc = p.create(setup.get().config(), setup.get().context());
        try (ConditionEncoderContract c = new ConditionEncoderContract(() -> enc, true)) {
          reports.add(runChecks("encoder", p, c.checks(), seed));
        }
      }
      for (DenoiserProvider p : load(DenoiserProvider.class)) {
        Path dir = Files.createTempDirectory(work, p.name());
        Optional<SelfTestSetup> setup = p.selfTest(dir);
        if (setup.isEmpty()) {
          reports.add(skip("denoiser", p, "needs a model bundle; run its suite in its own tests"));
          continue;
        }
        SelfTestSetup s = setup.get();
        if (s.stage().isEmpty()) {
          reports.add(
              new Report("denoiser", p.name(), source(p), 0, List.of("selfTest: a denoiser's setup must name a stage (SelfTestSetup.ofStage)"), null));
          continue;
        }
        java.util.function.Supplier<dev.vimi.spi.Denoiser> make = () -> p.create(s.stage().get(), s.config(), s.context());
        var den = Optional.of(make.get());
        // the lifecycle checks close the denoisers they get: the first is the one already made, later ones are new
        java.util.concurrent.atomic.AtomicReference<dev.vimi.spi.Denoiser> first = new java.util.concurrent.atomic.AtomicReference<>(den.get());
        DenoiserContract.Factory f =
            () -> {
              dev.vimi.spi.Denoiser d = first.getAndSet(null);
              return d != null ? d : make.get();
            };
        try (DenoiserContract c = new DenoiserContract(f, seed, 1e-4, true)) {
          reports.add(runChecks("denoiser", p, c.checks(), seed));
        }
      }
      for (TaskProvider p : load(TaskProvider.class)) {
        // each task is checked with an input it declares it accepts (TaskInstruction.accepts())
        reports.add(
            runChecks("task", p, new TaskInstructionContract(() -> p.create(ProviderConfig.empty("task " + p.name()))).checks(), seed));
      }
      for (VideoWriterProvider p : load(VideoWriterProvider.class)) {
        Path dir = Files.createTempDirectory(work, p.name());
        String name = p.extensions().isEmpty() ? "video" : "video." + p.extensions().get(0);
        reports.add(
            runChecks(
                "writer",
                p,
                new VideoWriterContract(() -> p.create(ProviderConfig.empty("writer " + p.name())), dir, name).checks(),
                seed));
      }
      // the promises of every provider whatever its kind: name, cheap construction, unknown keys refused
      for (Class<? extends NamedProvider> type :
          List.of(RetrieverProvider.class, ConditionEncoderProvider.class, DenoiserProvider.class, TaskProvider.class, VideoWriterProvider.class)) {
        for (NamedProvider p : load(type)) {
          reports.add(runChecks("provider", p, new ProviderContract(() -> newInstance(type, p)).checks(), seed));
        }
      }
    } finally {
      TempDirs.deleteRecursively(work);
    }
    return reports;
  }

  /**
   * The providers of {@code type}, found as vimi-api's registry finds them ({@link ProviderLookup}; this
   * module cannot depend on vimi-api): in this module's layer on the module path, through the loader on
   * the class path. Sorted by name.
   */
  private <P extends NamedProvider> List<P> load(Class<P> type) {
    Module self = CompatRunner.class.getModule();
    List<P> out =
        new ArrayList<>(self.isNamed() ? ProviderLookup.load(type, self.getLayer()) : ProviderLookup.load(type, loader));
    out.sort(Comparator.comparing(NamedProvider::name));
    return out;
  }

  /**
   * A new instance of {@code p}'s class, made by the service loader as a deployment makes it (through its
   * public static {@code provider()} method or its constructor; its package need not be exported).
   */
  private <P extends NamedProvider> NamedProvider newInstance(Class<P> type, NamedProvider p) {
    Module self = CompatRunner.class.getModule();
    ServiceLoader<P> sl = self.isNamed() ? ServiceLoader.load(self.getLayer(), type) : ServiceLoader.load(type, loader);
    return sl.stream()
        .filter(h -> h.type() == p.getClass())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(p.getClass().getName() + " is no longer offered by the service loader"))
        .get();
  }

  /** The jar (or class folder) a provider came from, by file name, for the report's last column. */
  private static String source(NamedProvider p) {
    String where = ProviderLookup.source(p);
    String name = where.substring(where.lastIndexOf(File.separatorChar) + 1);
    return name.isEmpty() ? where : name;
  }

  private static Report skip(String kind, NamedProvider p, String why) {
    return new Report(kind, p.name(), source(p), 0, List.of(), why);
  }

  private static Report runChecks(String kind, NamedProvider p, List<Check> checks, long seed) {
    int passed = 0;
    List<String> failures = new ArrayList<>();
    for (Check c : checks) {
      try {
        c.run(seed);
        passed++;
      } catch (org.opentest4j.TestAbortedException skipped) {
        // a capability the provider does not declare: neither passed nor failed
      } catch (BrokenPromiseError e) {
        StringBuilder sb = new StringBuilder(c.id()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        StackTraceElement[] st = cause == null ? new StackTraceElement[0] : cause.getStackTrace();
        for (int i = 0; i < Math.min(4, st.length); i++) {
          sb.append("\n  at ").append(st[i]);
        }
        failures.add(sb.toString());
      }
    }
    return new Report(kind, p.name(), source(p), passed, failures, null);
  }
}
