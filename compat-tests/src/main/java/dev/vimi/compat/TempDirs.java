package dev.vimi.compat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes the temporary folders the suites create. */
final class TempDirs {
  private TempDirs() {}

  /**
   * Closes {@code resource} (when not null), then deletes {@code dir} (when not null) even if closing threw:
   * a suite's {@code @AfterAll} for a contract that holds files in its work folder.
   */
  static void closeThenDelete(AutoCloseable resource, Path dir) throws Exception {
    try {
      if (resource != null) {
        resource.close();
      }
    } finally {
      if (dir != null) {
        deleteRecursively(dir);
      }
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
