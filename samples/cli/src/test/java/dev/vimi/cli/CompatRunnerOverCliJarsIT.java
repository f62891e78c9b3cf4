package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's compatibility command over the command line's own jars, verbatim: a folder with the jars
 * the {@code vimi} launcher runs (target/lib and vimi-cli.jar) plus vimi-compat-tests and the JUnit and
 * AssertJ jars it needs, and {@code java --module-path jars/ -m
 * dev.vimi.compat/dev.vimi.compat.CompatRunner} in a fresh JVM, module path only. Every provider is
 * listed by name, each task is checked with the inputs it declares, and the run exits 0.
 */
class CompatRunnerOverCliJarsIT {

  private static void copyAll(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.list(from)) {
      for (Path j : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.copy(j, to.resolve(j.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  @Test
  void compatRunnerOverTheCliJarsExitsZeroListingEveryProvider(@TempDir Path dir) throws Exception {
    Path jars = Files.createDirectories(dir.resolve("jars"));
    copyAll(Path.of(System.getProperty("cli.lib")), jars);
    Files.copy(Path.of(System.getProperty("cli.jar")), jars.resolve("vimi-cli.jar"));
    copyAll(Path.of(System.getProperty("compat.jars")), jars);

    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(java, "--module-path", jars.toString(), "-m", "dev.vimi.compat/dev.vimi.compat.CompatRunner")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the runner finished").isTrue();
    assertThat(p.exitValue()).as("exit status; output:\n%s", out).isZero();

    List<String> lines = out.lines().toList();
    for (String[] kindAndName :
        new String[][] {
          {"retriever", "lucene"}, {"retriever", "vespa"}, {"retriever", "in-memory"},
          {"encoder", "mllm"}, {"encoder", "hashing"},
          {"denoiser", "onnx"}, {"denoiser", "pytorch"}, {"denoiser", "gaussian-oracle"}, {"denoiser", "mixture-oracle"},
          {"task", "t2v"}, {"task", "subject"}, {"task", "predict"},
          {"writer", "mp4"}, {"writer", "gif"},
          {"memory", "lucene"}, {"memory", "in-memory"}, {"memory", "vespa"}
        }) {
      assertThat(lines)
          .as("a report line for %s '%s' in:\n%s", kindAndName[0], kindAndName[1], out)
          .anyMatch(l -> l.matches("(PASS|SKIP) +" + kindAndName[0] + " +" + kindAndName[1] + " .*"));
    }
    assertThat(lines).as("the paper's tasks pass with the inputs they declare:\n%s", out)
        .anyMatch(l -> l.matches("PASS +task +t2v .*"))
        .anyMatch(l -> l.matches("PASS +task +predict .*"))
        .anyMatch(l -> l.matches("PASS +task +subject .*"));
    for (String name : List.of("lucene", "vespa", "mllm", "onnx", "pytorch", "t2v", "mp4", "gif", "hashing")) {
      assertThat(lines)
          .as("every provider keeps the promises of every provider (name, cheap construction, unknown keys):\n%s", out)
          .anyMatch(l -> l.matches("PASS +provider +" + name + " .*"));
    }
    assertThat(lines).noneMatch(l -> l.startsWith("FAIL"));
  }
}
