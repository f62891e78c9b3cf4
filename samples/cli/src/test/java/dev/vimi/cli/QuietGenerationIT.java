package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One CPU generation at INFO ({@code --verbose}) as the {@code vimi} launcher runs it: a fresh JVM on the
 * command line's own class path (with the libtorch jars, which DJL's ONNX Runtime engine also starts),
 * the embedded memory and ViMi-tiny. The log holds vimi's own lines only: none of DJL's CUDA probes,
 * platform lines or "Onnx extension not found", and no warning.
 */
class QuietGenerationIT {

  @Test
  void oneCpuGenerationAtInfoLogsVimisOwnLinesOnly(@TempDir Path dir) throws Exception {
    Path lib = Path.of(System.getProperty("cli.lib"));
    String cp = String.join(File.pathSeparator, System.getProperty("cli.jar"), lib + "/*", lib.resolve("classpath") + "/*");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java, "--enable-native-access=ALL-UNNAMED", "-Dvimi.home=" + System.getProperty("repo.root"), "-cp", cp,
                "dev.vimi.cli.VimiCommand", "--verbose", "generate", "--progress", "none", "--steps", "2",
                "--out", dir.resolve("v.mp4").toString(), "a dog moves right on a blue background")
            .directory(dir.toFile())
            .redirectErrorStream(true);
    pb.environment().put("VIMI_CACHE_DIR", dir.resolve("cache").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the generation finished").isTrue();
    assertThat(p.exitValue()).as("exit status; output:\n%s", out).isZero();

    List<String> log = out.lines().filter(l -> l.startsWith("[main] ") || l.startsWith("WARNING")).toList();
    assertThat(log).as("DJL's lines in:\n%s", out).noneMatch(l -> l.contains(" ai.djl."));
    assertThat(log).as("warnings in:\n%s", out).noneMatch(l -> l.contains(" WARN ") || l.startsWith("WARNING"));
    // the bundle, a session per stage (three), the encoder, the pipeline; and the memory, built on first use
    assertThat(log).as("INFO lines of one generation:\n%s", out).hasSize(7);
  }
}
