package dev.vimi.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vimi memory}: the image-text memory. */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    description = "Build, search and inspect an image-text memory (BM25; a Lucene folder, or a Vespa cluster with --retriever vespa).",
    subcommands = {MemoryIngestCommand.class, MemorySearchCommand.class, MemoryStatsCommand.class, MemoryVerifyCommand.class, CommandLine.HelpCommand.class})
final class MemoryCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
