package dev.vimi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.Retriever;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vimi memory stats}: size figures of a memory, and the facts its retriever adds ({@link
 * MemoryStats#details()}: a folder's analyzer, a cluster's document type, ...). Figures the retriever
 * cannot know (-1) are left out.
 */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the size of a memory: pairs, distinct terms, bytes on disk, analyzer.")
final class MemoryStatsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MemoryOptions memory;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Option(names = "--progress", defaultValue = "auto", description = "Progress of a first-use build: auto, bar, lines or none.")
  String progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    try (Retriever r = memory.openRetriever(err, mode)) {
      MemoryStats s = r.stats();
      if (json) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("memory", s.details().getOrDefault(MemoryStats.MEMORY, memory.describe(err, mode)));
        o.put("pairs", s.pairs());
        if (s.distinctTerms() >= 0) {
          o.put("distinct_terms", s.distinctTerms());
        }
        if (s.bytesOnDisk() >= 0) {
          o.put("bytes_on_disk", s.bytesOnDisk());
        }
        for (Map.Entry<String, String> d : s.details().entrySet()) {
          if (!d.getKey().equals(MemoryStats.MEMORY)) {
            o.put(d.getKey(), d.getValue());
          }
        }
        out.println(o.toString());
      } else {
        // a cluster is named as the command line was given it; a folder as its retriever sees it
        String where = memory.vespa() ? memory.describe(err, mode) : s.details().getOrDefault(MemoryStats.MEMORY, memory.describe(err, mode));
        line(out, "memory", where);
        line(out, "pairs", Format.count(s.pairs()));
        if (s.distinctTerms() >= 0) {
          line(out, "distinct terms", Format.count(s.distinctTerms()));
        }
        if (s.bytesOnDisk() >= 0) {
          line(out, "size on disk", Format.bytes(s.bytesOnDisk()) + " (" + Format.count(s.bytesOnDisk()) + " bytes)");
        }
        for (Map.Entry<String, String> d : s.details().entrySet()) {
          if (!d.getKey().equals(MemoryStats.MEMORY)) {
            line(out, d.getKey().replace('_', ' '), d.getValue());
          }
        }
      }
    }
    return 0;
  }

  private static void line(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-16s %s%n", label + ":", value);
  }
}
