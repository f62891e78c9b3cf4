package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The video-writer contract as {@link Check}s. */
public final class VideoWriterContract {

  /** Creates the writer under test. */
  @FunctionalInterface
  public interface Factory {
    VideoWriter create() throws Exception;
  }

  private final Factory factory;
  private final Path workDir;
  private final String fileName;

  /**
   * @param fileName the target name to write, with the writer's extension (e.g. {@code "v.mp4"}),
   *     or a plain name for writers that produce a folder
   */
  public VideoWriterContract(Factory factory, Path workDir, String fileName) {
    this.factory = factory;
    this.workDir = workDir;
    this.fileName = fileName;
  }

  /** A small smooth test video: a colour gradient moving right, 8 frames of 16x24. */
  public static Video sampleVideo() {
    int t = 8;
    int h = 16;
    int w = 24;
    float[] v = new float[3 * t * h * w];
    for (int c = 0; c < 3; c++) {
      for (int f = 0; f < t; f++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            double phase = (x + 2.0 * f) / w + c / 3.0 + y / (2.0 * h);
            v[((c * t + f) * h + y) * w + x] = (float) (0.8 * Math.sin(2 * Math.PI * phase));
          }
        }
      }
    }
    return new Video(Tensor.of(v, 3, t, h, w), 24f);
  }

  public List<Check> checks() {
    return List.of(
        Check.of("writingCreatesANonEmptyTarget", "writing creates a non-empty target", this::writes),
        Check.of("writingAgainReplacesTheTarget", "writing again replaces the target", this::overwrites),
        Check.of("missingParentFailsAndLeavesNothing", "a missing parent folder fails and leaves nothing behind", this::missingParent),
        Check.of("scaleBelowOneIsInvalidInput", "a scale below 1 is rejected with InvalidInputException", this::badScale),
        Check.of("noTemporaryFilesRemain", "no temporary files remain next to the target", this::noLeftovers));
  }

  private Path fresh(String name) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "case");
    return dir.resolve(name);
  }

  private static long size(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        return s.filter(Files::isRegularFile).mapToLong(q -> q.toFile().length()).sum();
      }
    }
    return Files.size(p);
  }

  private void writes() throws Exception {
    Path target = fresh(fileName);
    factory.create().write(sampleVideo(), target, 1);
    assertThat(target).exists();
    assertThat(size(target)).isPositive();
  }

  private void overwrites() throws Exception {
    Path target = fresh(fileName);
    VideoWriter w = factory.create();
    w.write(sampleVideo(), target, 1);
    long first = size(target);
    w.write(sampleVideo(), target, 2);
    assertThat(target).exists();
    assertThat(size(target)).as("a 2x upscaled video is larger than the 1x one").isGreaterThan(first);
  }

  private void missingParent() throws Exception {
    Path dir = Files.createTempDirectory(workDir, "case");
    Path target = dir.resolve("does-not-exist").resolve(fileName);
    assertThatThrownBy(() -> factory.create().write(sampleVideo(), target, 1)).isInstanceOfAny(IOException.class, RuntimeException.class);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.toList()).as("files left in %s", dir).isEmpty();
    }
  }

  private void badScale() throws Exception {
    Path target = fresh(fileName);
    assertThatThrownBy(() -> factory.create().write(sampleVideo(), target, 0)).isInstanceOf(InvalidInputException.class);
    assertThat(target).doesNotExist();
  }

  private void noLeftovers() throws Exception {
    Path target = fresh(fileName);
    factory.create().write(sampleVideo(), target, 1);
    try (Stream<Path> s = Files.list(target.getParent())) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly(fileName);
    }
  }
}
