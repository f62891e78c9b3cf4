package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad targets and failures, for every writer: a clear error and nothing left behind. */
class WriterTargetsTest {
  @TempDir Path dir;

  record Case(VideoWriterProvider provider, String name) {
    VideoWriter writer() {
      return provider.create(ProviderConfig.empty("test"));
    }

    @Override
    public String toString() {
      return provider.name();
    }
  }

  static List<Case> writers() {
    return List.of(
        new Case(new Mp4WriterProvider(), "out.mp4"),
        new Case(new GifWriterProvider(), "out.gif"),
        new Case(new PngFramesWriterProvider(), "out"));
  }

  private static Video video() {
    return TestVideos.gentle(4, 8, 12, 24f);
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("writers")
  void missingFolderIsNamed(Case c) throws Exception {
    Path target = dir.resolve("no-such-folder").resolve(c.name());
    assertThatThrownBy(() -> c.writer().write(video(), target, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(dir.resolve("no-such-folder").toString())
        .hasMessageContaining("does not exist");
    assertThat(names(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("writers")
  void aFileWhereTheFolderShouldBeIsNamed(Case c) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> c.writer().write(video(), file.resolve(c.name()), 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a folder");
    assertThat(names(dir)).containsExactly("file");
  }

  @ParameterizedTest
  @MethodSource("writers")
  void readOnlyFolderIsNamed(Case c) throws Exception {
    assumeFalse("root".equals(System.getProperty("user.name")), "root may write into read-only folders");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assertThatThrownBy(() -> c.writer().write(video(), ro.resolve(c.name()), 1))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("not writable");
      assertThat(names(ro)).isEmpty();
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @ParameterizedTest
  @MethodSource("writers")
  void aFailureHalfWayLeavesNothingAndKeepsTheOldOutput(Case c) throws Exception {
    Path target = dir.resolve(c.name());
    c.writer().write(video(), target, 1);
    long before = size(target);
    // interrupting the thread makes the writer stop after it has created its temporary output
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> c.writer().write(TestVideos.gentle(4, 16, 24, 24f), target, 2))
          .isInstanceOf(InterruptedIOException.class)
          .hasMessageContaining("nothing was written");
    } finally {
      Thread.interrupted();
    }
    assertThat(names(dir)).as("no temporary files").containsExactly(c.name());
    assertThat(size(target)).as("the earlier output is untouched").isEqualTo(before);
  }

  @ParameterizedTest
  @MethodSource("writers")
  void scaleBelowOneIsRefused(Case c) throws Exception {
    assertThatThrownBy(() -> c.writer().write(video(), dir.resolve(c.name()), 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> c.writer().write(video(), dir.resolve(c.name()), 5000))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("smaller scale");
    assertThat(names(dir)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("writers")
  void anExistingFileIsReplaced(Case c) throws Exception {
    Path target = dir.resolve(c.name());
    c.writer().write(video(), target, 1);
    long small = size(target);
    c.writer().write(video(), target, 3);
    assertThat(size(target)).isGreaterThan(small);
    assertThat(names(dir)).containsExactly(c.name());
  }

  @org.junit.jupiter.api.Test
  void fileWritersRefuseAFolderAsTarget() throws Exception {
    Path folder = Files.createDirectory(dir.resolve("clip.mp4"));
    assertThatThrownBy(() -> new Mp4WriterProvider().create(ProviderConfig.empty("t")).write(video(), folder, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a folder")
        .hasMessageContaining(".mp4");
    assertThat(folder).isEmptyDirectory();
  }

  private static long size(Path p) throws Exception {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        return s.filter(Files::isRegularFile).mapToLong(q -> q.toFile().length()).sum();
      }
    }
    return Files.size(p);
  }
}
