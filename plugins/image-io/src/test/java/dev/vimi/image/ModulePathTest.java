package dev.vimi.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a small host program in a fresh JVM with this module and its dependencies on the
 * <em>module</em> path (unit tests run on the class path): TwelveMonkeys' WebP and CMYK JPEG readers
 * must resolve as automatic modules and reach ImageIO through their services.
 */
class ModulePathTest {
  @TempDir Path dir;

  @Test
  void worksOnTheModulePath() throws Exception {
    List<String> modulePath = new ArrayList<>();
    modulePath.add(Path.of("target", "classes").toAbsolutePath().toString());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).toString();
      if (name.contains("vimi-spi") || name.contains("slf4j-api") || name.contains("twelvemonkeys")) {
        modulePath.add(entry);
      }
    }
    assertThat(modulePath).as("module path").anyMatch(p -> p.contains("twelvemonkeys")).anyMatch(p -> p.contains("vimi-spi"));
    for (String name : new String[] {"pattern-lossless.webp", "cyan-yellow-cmyk.jpg"}) {
      try (InputStream in = getClass().getResourceAsStream("images/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    Path probe = dir.resolve("Probe.java");
    try (InputStream in = getClass().getResourceAsStream("modulepath/Probe.java")) {
      Files.write(probe, in.readAllBytes());
    }
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> cmd =
        List.of(java, "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "dev.vimi.image", probe.toString(), dir.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the probe JVM finished").isTrue();
    assertThat(p.exitValue()).as("exit status; output:%n%s", out).isZero();
    assertThat(out.lines().toList())
        .contains(
            "module dev.vimi.image",
            "webp-module true",
            "webp 16x12 " + Integer.toHexString(ImageLoaderTest.pattern(3, 2)),
            "cmyk ffff00",
            "header Header[format=JPEG, width=32, height=16]");
  }
}
