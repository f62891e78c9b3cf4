package dev.vimi.cli;

import dev.vimi.memory.emoji.EmojiMemory;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The embedded default memory of the command line: the emoji memory of {@code vimi-memory-emoji}
 * ({@link EmojiMemory}), built on first use in the cache folder ({@link EmojiMemory#defaultCacheRoot()})
 * with a progress bar on standard error.
 */
final class DefaultMemory {
  private DefaultMemory() {}

  /** The memory folder of the embedded memory, built first if needed. */
  static Path ensure(PrintWriter err, ProgressBar.Mode progress) {
    Path cache = EmojiMemory.defaultCacheRoot();
    if (EmojiMemory.isBuilt(cache)) {
      return EmojiMemory.ensure(cache, f -> {});
    }
    err.println("Building the embedded emoji memory in " + cache + " (first use only) ...");
    try (ProgressBar bar = new ProgressBar(err, progress, "indexing", "pairs")) {
      return EmojiMemory.ensure(cache, f -> bar.update(f, Math.round(f * EmojiMemory.PAIRS)));
    }
  }
}
