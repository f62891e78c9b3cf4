package dev.vimi.cli;

import dev.vimi.api.Plugins;
import dev.vimi.augment.AugmentListener;
import dev.vimi.augment.AugmentProgress;
import dev.vimi.augment.AugmentResult;
import dev.vimi.augment.DatasetAugmenter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.TaskInstruction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vimi augment}: the retrieval-augmented training data set. */
@Command(
    name = "augment",
    mixinStandardHelpOptions = true,
    description = {
      "Build a retrieval-augmented data set (ViMi section 3.1): for each caption of INPUT (JSONL: id, caption, media),"
          + " retrieve the top-K pairs of the memory (never the caption's own id) and write the task's multimodal prompt"
          + " to OUTPUT (JSONL, input order).",
      "Resumable: run the same command again after an interruption and it continues after the last complete record."
    })
final class AugmentCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin MemoryOptions memory;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE", description = "Captions, JSONL with id, caption, media.")
  Path input;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Augmented prompts, JSONL (appended to when resuming).")
  Path output;

  @Option(names = "--task", defaultValue = "t2v", description = "Task whose instruction and prompt layout to use (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = {"-k", "--top"}, defaultValue = "3", description = "Pairs retrieved per caption (default ${DEFAULT-VALUE}, as in the paper).")
  int k;

  @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all processors).")
  Integer threads;

  @Option(names = "--skip-malformed", description = "Skip, count and log malformed input records instead of stopping.")
  boolean skipMalformed;

  @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none.")
  String progress;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    TaskInstruction instruction = Plugins.discover().tasks().get(task).create(ProviderConfig.empty("task " + task));
    AugmentResult result;
    try (Retriever retriever = memory.openRetriever(err, mode);
        ProgressBar bar = new ProgressBar(err, mode, "augmenting", "records")) {
      DatasetAugmenter.Builder b = DatasetAugmenter.builder(retriever, instruction).k(k).skipMalformed(skipMalformed);
      if (threads != null) {
        b.threads(threads);
      }
      b.listener(
          new AugmentListener() {
            @Override
            public void onStart(long resumed, long inputBytes) {
              if (resumed > 0) {
                err.println("Resuming: " + output + " already holds " + Format.count(resumed) + " complete records.");
              }
            }

            @Override
            public void onProgress(AugmentProgress p) {
              bar.update(p.fraction(), p.written());
            }
          });
      result = b.build().run(input, output);
    }
    out.printf(
        Locale.ROOT,
        "Wrote %s augmented prompts (task %s, K=%d) to %s in %s (%s records/s).%n",
        Format.count(result.written()),
        instruction.name(),
        k,
        output,
        Format.seconds(result.elapsed()),
        Format.rate(result.recordsPerSecond()));
    if (result.resumed() > 0) {
      out.printf(Locale.ROOT, "  kept from an earlier run: %s%n", Format.count(result.resumed()));
    }
    out.printf(Locale.ROOT, "  skipped malformed:        %s%n", Format.count(result.skipped()));
    out.printf(Locale.ROOT, "  captions without hits:    %s%n", Format.count(result.withoutHits()));
    return 0;
  }
}
