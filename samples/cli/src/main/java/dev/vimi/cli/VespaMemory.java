package dev.vimi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.MemoryFormat;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadCounts;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.memory.formats.SkipReason;
import dev.vimi.retriever.vespa.FeedReport;
import dev.vimi.retriever.vespa.VespaMemoryWriter;
import dev.vimi.retriever.vespa.VespaRetrieverProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --retriever vespa --endpoint URL} side of the {@code vimi memory} commands: the memory is a
 * Vespa cluster with the vimi application package (see plugins/retriever-vespa/README.md).
 */
final class VespaMemory {
  private VespaMemory() {}

  /**
   * Whether the options select Vespa; refuses combinations that do not make sense.
   *
   * @param retriever the {@code --retriever} value
   * @param endpoint the {@code --endpoint} value, or null
   * @param memory the {@code --memory} value, or null
   */
  static boolean selected(String retriever, String endpoint, Path memory) {
    switch (retriever.toLowerCase(Locale.ROOT)) {
      case "lucene" -> {
        if (endpoint != null) {
          throw new ConfigurationException("--endpoint is for --retriever vespa; a Lucene memory is a folder (--memory DIR)");
        }
        return false;
      }
      case "vespa" -> {
        if (endpoint == null) {
          throw new ConfigurationException(
              "--retriever vespa needs --endpoint URL, the Vespa container cluster, e.g. --endpoint http://localhost:8080");
        }
        if (memory != null) {
          throw new ConfigurationException("--memory is a Lucene folder; with --retriever vespa the memory is the cluster at --endpoint");
        }
        return true;
      }
      default -> throw new ConfigurationException("--retriever must be lucene or vespa, not '" + retriever + "'");
    }
  }

  static ProviderConfig config(String endpoint) {
    return config(endpoint, System.getenv());
  }

  /**
   * The provider configuration: the endpoint, and credentials from the environment variables the Vespa
   * CLI uses, so that a shell set up for {@code vespa query} works here too: {@code
   * VESPA_CLI_DATA_PLANE_TOKEN} (bearer token), {@code VESPA_CLI_DATA_PLANE_CERT_FILE} and {@code
   * VESPA_CLI_DATA_PLANE_KEY_FILE} (mTLS), {@code VESPA_TLS_CA_CERT} (CA file to trust).
   */
  static ProviderConfig config(String endpoint, Map<String, String> env) {
    Map<String, String> m = new java.util.HashMap<>();
    m.put("endpoint", endpoint);
    Map<String, String> fromEnv =
        Map.of(
            "VESPA_CLI_DATA_PLANE_TOKEN", "auth.token",
            "VESPA_CLI_DATA_PLANE_CERT_FILE", "tls.certificate",
            "VESPA_CLI_DATA_PLANE_KEY_FILE", "tls.private-key",
            "VESPA_TLS_CA_CERT", "tls.ca-certificates");
    if (endpoint.startsWith("https:")) {
      fromEnv.forEach(
          (var, key) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
              m.put(key, v);
            }
          });
    }
    return ProviderConfig.of("retriever vespa", m);
  }

  static Retriever open(String endpoint) {
    return new VespaRetrieverProvider().open(config(endpoint));
  }

  static int stats(String endpoint, PrintWriter out, boolean json) {
    MemoryStats s;
    try (Retriever r = open(endpoint)) {
      s = r.stats();
    }
    if (json) {
      out.println(new ObjectMapper().createObjectNode().put("endpoint", endpoint).put("pairs", s.pairs()).toString());
    } else {
      out.printf(Locale.ROOT, "memory:          Vespa at %s%n", endpoint);
      out.printf(Locale.ROOT, "pairs:           %s%n", Format.count(s.pairs()));
    }
    return 0;
  }

  /** Reads the sources with the shared readers and feeds them; the feed's own account is printed. */
  static int ingest(
      String endpoint, List<Path> sources, String format, MalformedPolicy policy, ReadOptions read, int threads,
      ProgressBar.Mode mode, PrintWriter out, PrintWriter err) {
    long start = System.nanoTime();
    ReadCounts readCounts = ReadCounts.none();
    long rejected = 0;
    FeedReport report;
    long count;
    try (VespaMemoryWriter w = (VespaMemoryWriter) new VespaRetrieverProvider().openWriter(config(endpoint))) {
      if (w.count() > 0) {
        err.println("The Vespa memory at " + endpoint + " holds " + Format.count(w.count()) + " pairs; pairs already in it are skipped.");
      }
      for (Path source : sources) {
        MemoryFormat f = format.equalsIgnoreCase("auto") ? MemoryFormat.detect(source) : MemoryFormat.parse(format);
        try (PairReader r = PairReaders.open(source, f, read);
            ProgressBar bar = new ProgressBar(err, mode, source.getFileName() == null ? source.toString() : source.getFileName().toString(), "pairs")) {
          IngestJob.Result res = IngestJob.of(threads, policy, p -> bar.update(p.fraction(), p.read())).run(r, w);
          readCounts = readCounts.plus(res.reader());
          rejected += res.rejected();
        }
      }
      report = w.report();
      count = w.count();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    out.printf(
        Locale.ROOT,
        "Ingested %s pairs from %d source%s into Vespa at %s in %s (%s pairs/s).%n",
        Format.count(readCounts.read()),
        sources.size(),
        sources.size() == 1 ? "" : "s",
        endpoint,
        Format.seconds(took),
        Format.rate(readCounts.read() / Math.max(1e-9, took.toNanos() / 1e9)));
    out.printf(Locale.ROOT, "  added:                %s%n", Format.count(report.landed()));
    out.printf(Locale.ROOT, "  already present (id): %s%n", Format.count(report.duplicates()));
    out.printf(Locale.ROOT, "  skipped records:      %s%n", Format.count(readCounts.skipped()));
    for (Map.Entry<SkipReason, Long> e : readCounts.skippedByReason().entrySet()) {
      out.printf(Locale.ROOT, "    %-30s %s%n", e.getKey().description() + ":", Format.count(e.getValue()));
    }
    if (rejected > 0) {
      out.printf(Locale.ROOT, "  refused by the memory: %s%n", Format.count(rejected));
    }
    out.printf(Locale.ROOT, "The memory now holds %s pairs.%n", Format.count(count));
    return 0;
  }
}
