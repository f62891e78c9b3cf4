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
 * {@link EmojiMemory#ensure}); README's host pom, resolved by Maven, gives the jars; README's example
 * ({@link ReadmeExample}) runs there in a fresh JVM with those jars and this sample's jar and nothing
 * else, module path only, with {@code --add-modules ALL-MODULE-PATH} and README's {@code
 * --enable-native-access} set.
 */
class ReadmeHostIT {
  private static final Logger LOG = LoggerFactory.getLogger(ReadmeHostIT.class);

  /**
   * README's host pom block, verbatim inside a {@code <project>}, resolved by the stock Maven that
   * runs this build into a folder of runtime jars. The vimi artifacts come from this build (a
   * repository laid out by the {@code readme-host-repo} executions), everything else from the
   * machine's Maven cache (read-only, releases only) or Maven Central.
   */
  private static Path resolveReadmesHostPom(Path project) throws Exception {
    List<String> xml = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "xml");
    assertThat(xml).as("README's host pom block").hasSize(1);
    Files.createDirectories(project);
    Files.writeString(
        project.resolve("pom.xml"),
        """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>readme-host</artifactId>
          <version>1</version>
        %s</project>
        """
            .formatted(xml.get(0)));
    Path repo = project.resolve("m2");
    copyTree(Path.of(System.getProperty("readme.repo")), repo);
    String cache = Path.of(System.getProperty("user.home"), ".m2", "repository").toUri().toString();
    Path settings = project.resolve("settings.xml");
    Files.writeString(
        settings,
        """
        <settings>
          <profiles>
            <profile>
              <id>machine-cache</id>
              <repositories>
                <repository><id>machine-cache</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>machine-cache</id><url>%1$s</url><snapshots><enabled>false</enabled></snapshots></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>machine-cache</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(cache));
    Path jars = project.resolve("jars");
    Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
    Process p =
        new ProcessBuilder(
                mvn.toString(), "-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + repo,
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                "-DincludeScope=runtime", "-DoutputDirectory=" + jars)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.MINUTES)).as("Maven finished").isTrue();
    assertThat(p.exitValue()).as("Maven resolving README's host pom; output:\n%s", out).isZero();
    return jars;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path f : s.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
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

    Path jars = resolveReadmesHostPom(dir.resolve("host-pom"));
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
        .as("README: one CPU generation of the three-stage ViMi-tiny logs six INFO lines (bundle, a session per stage, encoder, pipeline)")
        .hasSize(6);
    Files.writeString(Path.of(System.getProperty("repo.root"), "samples/embedded-host/target/readme-host.log"), out);
  }
}
