package dev.vimi.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The result of a full check of a memory ({@link RetrieverProvider#verify}): every file read and its
 * checksum compared, the index structures decoded. Immutable.
 *
 * @param memory where the memory is (a folder, a cluster URL), for messages
 * @param pairs pairs the memory holds according to its last commit (-1 if unknown)
 * @param files files read
 * @param bytes bytes read
 * @param problems what is damaged; empty when the memory is intact
 * @param remedy what to do about the problems, in a sentence; empty when the memory is intact
 * @param elapsed how long the check took
 */
public record MemoryCheck(
    String memory, long pairs, long files, long bytes, List<Problem> problems, String remedy, Duration elapsed) {

  /**
   * One damaged part of a memory.
   *
   * @param files the files it is in, relative to the memory (empty if no single file can be named)
   * @param description what is wrong, e.g. {@code "checksum mismatch"}
   */
  public record Problem(List<String> files, String description) {
    public Problem {
      files = List.copyOf(files);
      Objects.requireNonNull(description, "description");
    }
  }

  public MemoryCheck {
    Objects.requireNonNull(memory, "memory");
    problems = List.copyOf(problems);
    Objects.requireNonNull(remedy, "remedy");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** True when no problem was found. */
  public boolean intact() {
    return problems.isEmpty();
  }
}
