package dev.vimi.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vimi memory search}: BM25 top-K for a text. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Print the top-K image-text pairs of the memory for a text (BM25 over captions and keywords).")
final class MemorySearchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MemoryOptions memory;

  @Parameters(arity = "1..*", paramLabel = "TEXT", description = "The query; several words are joined with spaces.")
  List<String> words;

  @Option(names = {"-k", "--top"}, defaultValue = "5", description = "How many pairs (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--exclude", paramLabel = "ID", description = "Ids never to return (repeatable).")
  List<String> exclude;

  @Option(names = "--json", description = "One JSON object per hit instead of a table.")
  boolean json;

  @Option(names = "--progress", defaultValue = "auto", description = "Progress of a first-use build: auto, bar, lines or none.")
  String progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String text = String.join(" ", words);
    RetrievalQuery query = new RetrievalQuery(text, k, exclude == null ? null : new LinkedHashSet<>(exclude));
    try (Retriever r = memory.openRetriever(err, ProgressBar.Mode.parse(progress))) {
      List<RetrievedItem> hits = r.retrieve(query);
      long pairs = r.stats().pairs();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        for (RetrievedItem h : hits) {
          ObjectNode o = m.createObjectNode().put("id", h.id()).put("caption", h.caption()).put("score", h.score());
          if (h.image() != null) {
            o.put("image", describe(h.image()));
          }
          out.println(m.writeValueAsString(o));
        }
      } else {
        if (hits.isEmpty()) {
          out.println("No pair of the memory matches \"" + text + "\".");
        } else {
          out.printf(Locale.ROOT, "%-3s %7s  %-26s %-40s %s%n", "#", "score", "id", "caption", "image");
          int i = 1;
          for (RetrievedItem h : hits) {
            out.printf(
                Locale.ROOT, "%-3d %7.3f  %-26s %-40s %s%n", i++, h.score(), clip(h.id(), 26), clip(h.caption(), 40),
                h.image() == null ? "-" : describe(h.image()));
          }
        }
      }
      if (k > pairs) {
        err.println("Note: K=" + k + " is larger than the memory (" + Format.count(pairs) + " pairs); every match is listed.");
      }
      if (memory.isDefault()) {
        err.println("(searched the embedded emoji memory; use --memory DIR for your own)");
      }
    }
    return 0;
  }

  private static String describe(ImageRef image) {
    return image.describe();
  }

  private static String clip(String s, int n) {
    String one = s.replace('\n', ' ');
    return one.length() <= n ? one : one.substring(0, n - 3) + "...";
  }
}
