package dev.vimi.backend.pytorch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is downloaded at run time. In a fresh JVM (DJL reads its switches once) the backend puts
 * DJL in offline mode; asking DJL for a libtorch version that is not on the class path then fails
 * with a clear message instead of fetching it from the internet.
 */
class PyTorchOfflineTest {
  @TempDir Path cache;

  private List<String> probe(String... jvmArgs) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-DENGINE_CACHE_DIR=" + cache);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(OfflineProbe.class.getName());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
    return out.lines().toList();
  }

  @Test
  void aLibtorchThatIsNotOnTheClassPathIsNeverDownloaded() throws Exception {
    List<String> out = probe("-DPYTORCH_VERSION=2.5.1");
    assertThat(out).contains("result=BackendException", "offline=true");
    assertThat(out)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("message=offline probe, graph base.pt: DJL's PyTorch engine did not start")
                    .contains("Offline mode is enabled")
                    .contains("vimi never downloads libtorch"));
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile).toList()).as("files DJL fetched into its cache").isEmpty();
    }
  }
}
