package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ProviderConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code threads} key sets the session's intra-op pool: ONNX Runtime starts {@code threads - 1}
 * pool threads (the calling thread is the last one) when the session opens and stops them when it
 * closes. Counted on Linux in /proc/self/task: the JVM names its own threads, ONNX Runtime's keep the
 * process name "java".
 */
class OnnxThreadsTest {

  private static long unnamedThreads() throws IOException {
    long n = 0;
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : tasks.toList()) {
        try {
          if (Files.readString(t.resolve("comm")).strip().equals("java")) {
            n++;
          }
        } catch (IOException gone) {
          // the thread ended while we looked
        }
      }
    }
    return n;
  }

  @Test
  void intraOpThreadsAreRespected() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
    // start the engine first so that its own start-up threads are not counted
    new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("warm-up", Map.of("threads", "1"))).close();
    for (int threads : new int[] {1, 3, 5}) {
      long before = unnamedThreads();
      Denoiser d = new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("t", Map.of("threads", String.valueOf(threads))));
      long during = unnamedThreads();
      d.close();
      long after = unnamedThreads();
      assertThat(during - before).as("pool threads started for threads=%d", threads).isEqualTo(threads - 1);
      assertThat(after).as("pool threads left after close").isEqualTo(before);
    }
  }

  @Test
  void defaultIsOneThreadPerAvailableProcessor() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc");
    new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("warm-up", Map.of("threads", "1"))).close();
    long before = unnamedThreads();
    Denoiser d = new OnnxDenoiserProvider().create(TestBundle.spec("base"), ProviderConfig.of("t", Map.of()));
    long during = unnamedThreads();
    d.close();
    assertThat(during - before)
        .as("pool threads started with the default threads=0")
        .isEqualTo(Runtime.getRuntime().availableProcessors() - 1);
  }
}
