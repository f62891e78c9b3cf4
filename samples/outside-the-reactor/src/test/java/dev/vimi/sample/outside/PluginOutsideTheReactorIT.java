package dev.vimi.sample.outside;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's "Writing a plugin", as a plugin author runs it: the README's shell block, verbatim, in a
 * folder that holds the sample as a clone of this repository does, with the stock Maven that runs this
 * build (3.8.7 here) and a local repository that holds nothing of vimi but what the block's first line
 * installs (vimi-parent, vimi-bom, vimi-spi, vimi-compat-tests, laid out as {@code mvn install} would,
 * from this build's artifacts: a test must not install into the machine's repository). Everything else
 * comes from the machine's Maven cache (read-only, as a file repository, release versions only) or
 * Maven Central.
 */
class PluginOutsideTheReactorIT {
  private static final String VERSION = System.getProperty("vimi.version");

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.filter(p -> !from.relativize(p).startsWith("target")).toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The first {@code ```bash} block after the line {@code heading}, as it stands. */
  private static String bashBlockAfter(String markdown, String heading) {
    int at = markdown.indexOf("\n" + heading + "\n");
    assertThat(at).as("README has %s", heading).isNotNegative();
    int from = markdown.indexOf("\n```bash\n", at);
    assertThat(from).as("a bash block under %s", heading).isNotNegative();
    from += "\n```bash\n".length();
    return markdown.substring(from, markdown.indexOf("\n```\n", from) + 1);
  }

  /** Puts a built vimi artifact into the private repository, as {@code mvn install} lays it out. */
  private static void install(Path artifacts, Path repo, String artifactId, boolean jar) throws IOException {
    Path dir = Files.createDirectories(repo.resolve("dev/vimi").resolve(artifactId).resolve(VERSION));
    String base = artifactId + "-" + VERSION;
    Files.copy(artifacts.resolve(base + ".pom"), dir.resolve(base + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar) {
      Files.copy(artifacts.resolve(base + ".jar"), dir.resolve(base + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  void theStandaloneSampleBuildsAndPassesItsSuitesWithStockMaven() throws Exception {
    Path work = Path.of(System.getProperty("work.dir"));
    deleteTree(work);
    Path repo = Files.createDirectories(work.resolve("m2"));
    Path artifacts = Path.of(System.getProperty("vimi.artifacts"));
    install(artifacts, repo, "vimi-parent", false);
    install(artifacts, repo, "vimi-bom", false);
    install(artifacts, repo, "vimi-spi", true);
    install(artifacts, repo, "vimi-compat-tests", true);

    Path clone = work.resolve("clone");
    Path sample = Path.of(System.getProperty("sample.dir"));
    Files.createDirectories(clone.resolve("samples/third-party-plugin"));
    Files.copy(sample.resolve("pom.xml"), clone.resolve("samples/third-party-plugin/pom.xml"));
    copyTree(sample.resolve("src"), clone.resolve("samples/third-party-plugin/src"));
    String readme = Files.readString(Path.of(System.getProperty("repo.root"), "README.md"), StandardCharsets.UTF_8);
    String block = bashBlockAfter(readme, "## Writing a plugin");
    assertThat(block)
        .as("README's install line names what this test puts into the private repository")
        .contains("\nmvn -B -ntp install -DskipTests -pl bom,vimi-spi,compat-tests -am\n");
    String cache = Path.of(System.getProperty("user.home"), ".m2", "repository").toUri().toString();
    Path settings = work.resolve("settings.xml");
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

    Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
    // README's lines run as they stand; `mvn` is the stock Maven with the private repository, and the
    // install line is what this test did above
    String script =
        """
        set -euo pipefail
        mvn() {
          case " $* " in
            *" install "*) echo "(the test put vimi's artifacts into the private repository)" ;;
            *) "$VIMI_TEST_MVN" -s "$VIMI_TEST_SETTINGS" -Dmaven.repo.local="$VIMI_TEST_REPO" "$@" ;;
          esac
        }
        """
            + block;
    Path log = work.resolve("build.log");
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", "-c", script))
            .directory(clone.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("VIMI_TEST_MVN", mvn.toString());
    pb.environment().put("VIMI_TEST_SETTINGS", settings.toString());
    pb.environment().put("VIMI_TEST_REPO", repo.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    assertThat(p.waitFor(20, TimeUnit.MINUTES)).as("the build finished").isTrue();
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Path project = work.resolve("my-plugin");
    assertThat(p.exitValue()).as("exit status of README's lines, the last of them mvn verify in %s; output:\n%s", project, out).isZero();
    assertThat(out).contains("BUILD SUCCESS");

    Path report = project.resolve("target/surefire-reports/TEST-com.example.vimi.uniform.UniformOracleCompatTest.xml");
    String xml = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(xml)
        .as("the suite's promises by name")
        .contains("name=\"closedDenoiserRefusesWork\"", "name=\"concurrentEvaluationsAgreeWithSingleThreaded\"", "name=\"nonFiniteInputIsInvalidInput\"")
        .contains("failures=\"0\"", "errors=\"0\"");
    assertThat(project.resolve("target/vimi-sample-plugin-1.0.0-SNAPSHOT.jar")).exists();
    try (Stream<Path> s = Files.list(repo.resolve("dev/vimi"))) {
      assertThat(s.map(d -> d.getFileName().toString()).sorted().toList())
          .as("vimi artifacts the build saw")
          .containsExactly("vimi-bom", "vimi-compat-tests", "vimi-parent", "vimi-spi");
    }
  }
}
