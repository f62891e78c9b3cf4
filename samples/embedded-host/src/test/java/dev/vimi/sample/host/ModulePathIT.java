package dev.vimi.sample.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts fresh JVMs with nothing but a folder of jars on the module path (no class path) and runs
 * the host. The configuration names no denoiser, so the deployment's jars decide: with the reference
 * jar alone the Gaussian oracle runs; dropping the third-party plugin jar into the folder makes its
 * provider the one used, with no code or configuration change.
 */
class ModulePathIT {

  private static Path folder(Path dir, boolean withPlugin) throws IOException {
    Path jars = Files.createDirectories(dir.resolve(withPlugin ? "with-plugin" : "reference-only"));
    Files.copy(Path.of(System.getProperty("host.jar")), jars.resolve("vimi-sample-host.jar"));
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("jars.dir")))) {
      for (Path j : s.toList()) {
        String n = j.getFileName().toString();
        if (!withPlugin && n.startsWith("vimi-sample-plugin")) {
          continue;
        }
        Files.copy(j, jars.resolve(n));
      }
    }
    return jars;
  }

  private static String run(Path modulePath, Path config, String... output) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(
        java, "--module-path", modulePath.toString(), "--add-modules", "ALL-MODULE-PATH",
        "-m", "dev.vimi.sample.host/dev.vimi.sample.host.HostMain", config.toString(), "a red cat"));
    cmd.addAll(List.of(output));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("host finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; output:\n%s", out).isZero();
    return out;
  }

  @Test
  void swappingAJarSwapsTheDenoiser(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("vimi.properties");
    // the repository's test bundle (two stages, 6x16 conditioning); the oracles ignore its graphs
    Path bundle = Path.of(System.getProperty("test.bundle")).toAbsolutePath();
    Files.writeString(config, "model=" + bundle + "\nretriever=none\nencoder=hashing\nencoder.length=6\nencoder.dim=16\nencoder.truncate=true\n");

    String reference = run(folder(dir, false), config);
    assertThat(reference).contains("denoiser=gaussian-oracle").contains("encoder=hashing").contains("generated 4 frames");

    String swapped = run(folder(dir, true), config);
    assertThat(swapped).contains("denoiser=uniform-oracle").contains("generated 4 frames");
  }

  @Test
  void theVideoIoPluginOnTheModulePathWritesAnMp4(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("vimi.properties");
    Path bundle = Path.of(System.getProperty("test.bundle")).toAbsolutePath();
    Files.writeString(config, "model=" + bundle + "\nretriever=none\nencoder=hashing\nencoder.length=6\nencoder.dim=16\nencoder.truncate=true\n");
    Path mp4 = dir.resolve("out.mp4");

    String out = run(folder(dir, false), config, mp4.toString());

    assertThat(out).contains("wrote " + mp4);
    byte[] head = Arrays.copyOf(Files.readAllBytes(mp4), 12);
    assertThat(new String(head, 4, 4, StandardCharsets.US_ASCII)).as("ISO BMFF box").isEqualTo("ftyp");
    assertThat(Files.size(mp4)).isGreaterThan(100);
  }
}
