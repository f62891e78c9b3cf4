package dev.vimi.sample.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.memory.emoji.EmojiMemory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * README's host, verbatim: a folder with README's {@code vimi.properties} (the block copied as it
 * stands), the ViMi-tiny bundle at the path it names, and the emoji memory at {@code memory} (built by
 * {@link EmojiMemory#ensure}); README's example ({@link ReadmeExample}) runs there in a fresh JVM with
 * this sample's runtime jars (README's host pom) and nothing else, module path only, with {@code
 * --add-modules ALL-MODULE-PATH} and README's {@code --enable-native-access} set.
 */
class ReadmeHostIT {
  private static final Logger LOG = LoggerFactory.getLogger(ReadmeHostIT.class);

  private static void copyJars(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.list(from)) {
      for (Path j : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
        Files.copy(j, to.resolve(j.getFileName()));
      }
    }
  }

  @Test
  void readmesExampleRunsWithReadmesConfigurationOnTheModulePath(@TempDir Path dir) throws Exception {
    Path root = ReadmeBlocks.repoRoot();
    Files.writeString(dir.resolve("vimi.properties"), ReadmeBlocks.blocks(ReadmeBlocks.readme(), "properties").get(0));
    Files.createDirectories(dir.resolve("models/vimi-tiny"));
    Files.createSymbolicLink(dir.resolve("models/vimi-tiny/bundle"), root.resolve("models/vimi-tiny/bundle").toAbsolutePath());
    Path memory = EmojiMemory.ensure(dir.resolve("cache"), f -> {});
    Files.createSymbolicLink(dir.resolve("memory"), memory.toAbsolutePath());

    Path jars = Files.createDirectories(dir.resolve("jars"));
    copyJars(Path.of(System.getProperty("readme.jars")), jars);
    Files.copy(Path.of(System.getProperty("host.jar")), jars.resolve("vimi-sample-host.jar"));

    Matcher flag = Pattern.compile("--enable-native-access=[\\w.,]+").matcher(ReadmeBlocks.readme());
    assertThat(flag.find()).as("README names the --enable-native-access set of a host on the module path").isTrue();
    String nativeAccess = flag.group();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                nativeAccess,
                "--module-path", jars.toString(),
                "--add-modules", "ALL-MODULE-PATH",
                "-m", "dev.vimi.sample.host/dev.vimi.sample.host.ReadmeExample")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("the host finished").isTrue();
    assertThat(p.exitValue()).as("exit status; output:\n%s", out).isZero();
    assertThat(out).contains("generated 16 frames of 128x72 at 24.0 fps; grounded on [");
    assertThat(out).as("a native-access warning (README's %s is incomplete)", nativeAccess).doesNotContain("WARNING: A restricted method");
    assertThat(out).as("a module in README's %s that is not on the host's path", nativeAccess).doesNotContain("Unknown module");

    assertThat(out.lines().filter(l -> l.contains(" ai.djl.")).toList())
        .as("DJL's CUDA probes on a CPU deployment (the host keeps ai.djl at ERROR)")
        .isEmpty();
    List<String> info = out.lines().filter(l -> l.contains(" INFO ")).toList();
    List<String> library = info.stream().filter(l -> !l.contains(" dev.vimi.sample.host.")).toList();
    LOG.info("one CPU generation: {} INFO lines, {} of them not the host's own progress:\n{}", info.size(), library.size(),
        String.join("\n", library));
    assertThat(library)
        .as("README: one CPU generation logs five INFO lines (bundle, a session per stage, encoder, pipeline)")
        .hasSize(5);
    Files.writeString(Path.of(System.getProperty("repo.root"), "samples/embedded-host/target/readme-host.log"), out);
  }
}
