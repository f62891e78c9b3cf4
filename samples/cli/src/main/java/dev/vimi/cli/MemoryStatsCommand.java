package dev.vimi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.retriever.lucene.LuceneRetriever;
import dev.vimi.spi.MemoryStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vimi memory stats}: size figures of a memory. */
@Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the size of a memory: pairs, distinct terms, bytes on disk.")
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
    if (memory.vespa()) {
      return VespaMemory.stats(memory.endpoint, out, json);
    }
    try (LuceneRetriever r = memory.open(err, ProgressBar.Mode.parse(progress))) {
      MemoryStats s = r.stats();
      if (json) {
        out.println(
            new ObjectMapper()
                .createObjectNode()
                .put("memory", r.memoryDir().toString())
                .put("pairs", s.pairs())
                .put("distinct_terms", s.distinctTerms())
                .put("bytes_on_disk", s.bytesOnDisk())
                .put("analyzer", r.analyzerName())
                .toString());
      } else {
        out.printf(Locale.ROOT, "memory:          %s%n", r.memoryDir());
        out.printf(Locale.ROOT, "pairs:           %s%n", Format.count(s.pairs()));
        out.printf(Locale.ROOT, "distinct terms:  %s%n", Format.count(s.distinctTerms()));
        out.printf(Locale.ROOT, "size on disk:    %s (%s bytes)%n", Format.bytes(s.bytesOnDisk()), Format.count(s.bytesOnDisk()));
        out.printf(Locale.ROOT, "analyzer:        %s%n", r.analyzerName());
      }
    }
    return 0;
  }
}
