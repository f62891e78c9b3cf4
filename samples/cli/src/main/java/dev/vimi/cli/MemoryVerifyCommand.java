package dev.vimi.cli;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryCheck;
import dev.vimi.spi.VimiException;
import java.io.PrintWriter;
import java.io.Serial;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vimi memory verify}: the full check of a memory folder, by its retriever ({@link
 * dev.vimi.spi.RetrieverProvider#verify}, provider {@value Memories#LUCENE}).
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a memory for damage: the checksum of every index file, every index structure, and every image file.",
      "Reads the whole memory and changes nothing. Run it after copying or restoring a memory; searches compare the",
      "checksums by themselves only for memories up to 256 MiB. Exit code 0: intact; 1: damaged (the files are named)."
    })
final class MemoryVerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-m", "--memory"}, paramLabel = "DIR", description = "Memory folder. Default: the embedded emoji memory.")
  Path memory;

  @Option(names = "--progress", defaultValue = "auto", description = "Progress of a first-use build of the embedded memory: auto, bar, lines or none.")
  String progress;

  /** A damaged memory: exit code 1, after the problems were listed. */
  static final class DamagedMemoryException extends VimiException {
    @Serial private static final long serialVersionUID = 1L;

    DamagedMemoryException(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = memory != null ? memory : DefaultMemory.ensure(err, ProgressBar.Mode.parse(progress));
    MemoryCheck check;
    try {
      check = Memories.provider(Memories.LUCENE).verify(Memories.luceneFolder(dir));
    } catch (ConfigurationException e) {
      throw new ConfigurationException(e.getMessage().replace("'" + Memories.INDEX_DIR + "'", "--memory"), e);
    }
    String summary =
        String.format(
            Locale.ROOT, "%s pairs, %s files, %s read in %s",
            Format.count(check.pairs()), Format.count(check.files()), Format.bytes(check.bytes()), Format.seconds(check.elapsed()));
    if (check.intact()) {
      out.println("The memory " + dir + " is intact: " + summary + ".");
      return 0;
    }
    out.println("The memory " + dir + " is damaged (" + summary + "):");
    for (MemoryCheck.Problem p : check.problems()) {
      out.println("  " + (p.files().isEmpty() ? "" : String.join(", ", p.files()) + ": ") + p.description());
    }
    throw new DamagedMemoryException(
        "the memory " + dir + " is damaged (" + check.problems().size() + " problem" + (check.problems().size() == 1 ? "" : "s")
            + ", listed above). " + check.remedy().replaceFirst("; `vimi memory verify.*$", ""));
  }
}
