package dev.vimi.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a small host program in a fresh JVM with this module and its dependencies on the
 * <em>module</em> path (unit tests run on the class path): the writers must be found through
 * {@code provides} and jcodec must resolve as the automatic module {@code jcodec}. (Input images
 * on the module path are checked by vimi-image-io's own ModulePathTest.)
 */
class ModulePathTest {
  @TempDir Path dir;

  @Test
  void worksOnTheModulePath() throws Exception {
    List<String> modulePath = new ArrayList<>();
    modulePath.add(Path.of("target", "classes").toAbsolutePath().toString());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).toString();
      if (name.contains("vimi-spi") || name.contains("slf4j-api") || name.contains("jcodec")) {
        modulePath.add(entry);
      }
    }
    assertThat(modulePath).as("module path").anyMatch(p -> p.contains("jcodec")).anyMatch(p -> p.contains("vimi-spi"));
    Path probe = dir.resolve("Probe.java");
    try (InputStream in = getClass().getResourceAsStream("modulepath/Probe.java")) {
      Files.write(probe, in.readAllBytes());
    }
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd =
        List.of(
            java,
            "--module-path",
            String.join(File.pathSeparator, modulePath),
            "--add-modules",
            "dev.vimi.video",
            probe.toString(),
            dir.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the probe JVM finished").isTrue();
    assertThat(p.exitValue()).as("exit status; output:%n%s", out).isZero();
    List<String> lines = out.lines().collect(Collectors.toList());
    assertThat(lines)
        .contains(
            "module dev.vimi.video",
            "jcodec true",
            "providers [gif@dev.vimi.video, mp4@dev.vimi.video, png@dev.vimi.video]",
            "mp4 true",
            "gif true",
            "frames true",
            "sheet 38x38");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(q -> q.getFileName().toString()).filter(n -> n.startsWith(".")).toList()).as("no temporary files").isEmpty();
    }
  }
}
