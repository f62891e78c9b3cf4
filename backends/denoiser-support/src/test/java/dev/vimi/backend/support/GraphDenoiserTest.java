package dev.vimi.backend.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the graph-denoiser base owns, on a graph whose network is plain arithmetic ({@code out = x *
 * sigma + c_noise}, per row): batch splitting, the output buffer, lifecycle, graph lookup and the
 * fallback rule. The backends' own tests run the same base over real ONNX and TorchScript graphs.
 */
class GraphDenoiserTest {
  private static final int C = 1;
  private static final int T = 2;
  private static final int H = 2;
  private static final int W = 3;
  private static final int ROW = C * T * H * W;

  @TempDir Path dir;

  /** Computes {@code x * sigma + c_noise} row by row, and records the batch of each call. */
  private static final class Affine extends GraphDenoiser {
    final List<Integer> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger releases = new AtomicInteger();
    volatile CountDownLatch entered;
    volatile CountDownLatch proceed;

    Affine(GraphSpec graph, int maxBatch) {
      super(specOf(graph), graph, who("test", graph), "cpu", maxBatch);
    }

    @Override
    protected void run(DenoiserInput input, FloatBuffer dst) {
      assertThat(dst.isDirect()).isTrue();
      assertThat(dst.capacity()).isEqualTo(input.x().size());
      calls.add(input.batch());
      if (entered != null) {
        entered.countDown();
        await(proceed);
      }
      for (int b = 0; b < input.batch(); b++) {
        for (int i = 0; i < ROW; i++) {
          dst.put(b * ROW + i, input.x().get(b * ROW + i) * input.sigma()[b] + input.cNoise()[b]);
        }
      }
    }

    @Override
    protected void release() {
      releases.incrementAndGet();
    }
  }

  private static DenoiserSpec specOf(GraphSpec graph) {
    return new DenoiserSpec("base", OutputKind.EDM, 0.5, C, T, H, W, 4, 8, Optional.of(graph));
  }

  private GraphSpec graph(boolean dynamicBatch) throws Exception {
    Path file = Files.writeString(dir.resolve("g.bin"), "graph");
    List<GraphInput> inputs =
        List.of(
            new GraphInput("x", InputRole.NOISY_VIDEO),
            new GraphInput("c_noise", InputRole.C_NOISE),
            new GraphInput("context", InputRole.CONDITIONING));
    return new GraphSpec(file, inputs, "out", dynamicBatch, "fp32");
  }

  private static DenoiserInput input(int batch) {
    float[] x = new float[batch * ROW];
    float[] sigma = new float[batch];
    float[] cNoise = new float[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7) - 3.5f + i / 100f;
    }
    for (int b = 0; b < batch; b++) {
      sigma[b] = 0.5f + b;
      cNoise[b] = -b / 4f;
    }
    return new DenoiserInput(
        Tensor.of(x, batch, C, T, H, W), sigma, cNoise, Tensor.zeros(batch, 4, 8), Tensor.filled(1f, batch, 4), 24f, null);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void batchesAboveMaxBatchAreSplitAndEachRowLandsInItsPlace() throws Exception {
    DenoiserInput in = input(5);
    try (Affine whole = new Affine(graph(true), 16);
        Affine twos = new Affine(graph(true), 2)) {
      float[] expected = whole.evaluate(in).toArray();
      assertThat(twos.evaluate(in).toArray()).isEqualTo(expected);
      assertThat(whole.calls).containsExactly(5);
      assertThat(twos.calls).containsExactly(2, 2, 1);
      assertThat(expected[4 * ROW + 1]).isEqualTo(in.x().get(4 * ROW + 1) * 4.5f - 1f);
    }
  }

  @Test
  void aGraphWithAFixedBatchRunsOneRowPerCall() throws Exception {
    try (Affine d = new Affine(graph(false), 16)) {
      assertThat(d.maxBatch()).isEqualTo(1);
      d.evaluate(input(3));
      assertThat(d.calls).containsExactly(1, 1, 1);
    }
  }

  @Test
  void evaluateIntoWritesTheCallersBufferDirectOrNot() throws Exception {
    DenoiserInput in = input(3);
    try (Affine d = new Affine(graph(true), 2)) {
      float[] expected = d.evaluate(in).toArray();
      FloatBuffer direct = Tensor.allocate(expected.length + 2);
      FloatBuffer heap = FloatBuffer.allocate(expected.length + 2);
      for (FloatBuffer out : List.of(direct, heap)) {
        out.put(expected.length, 7f).put(expected.length + 1, 8f).position(1).limit(3);
        d.evaluateInto(in, out);
        FloatBuffer all = out.duplicate().clear();
        float[] got = new float[expected.length];
        all.get(0, got);
        assertThat(got).isEqualTo(expected);
        assertThat(all.get(expected.length)).as("beyond the output").isEqualTo(7f);
        assertThat(out.position()).isEqualTo(1);
        assertThat(out.limit()).isEqualTo(3);
      }
      assertThatThrownBy(() -> d.evaluateInto(in, FloatBuffer.allocate(expected.length - 1)))
          .isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void inputsThatDoNotFitAreRefusedBeforeTheGraphRuns() throws Exception {
    try (Affine d = new Affine(graph(true), 16)) {
      DenoiserInput wrong =
          new DenoiserInput(
              Tensor.zeros(1, C, T, H, W + 1), new float[] {1f}, new float[] {0f}, Tensor.zeros(1, 4, 8),
              Tensor.filled(1f, 1, 4), 24f, null);
      assertThatThrownBy(() -> d.evaluate(wrong))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("x: test, graph g.bin: the noisy video has shape");
      assertThat(d.calls).isEmpty();
    }
  }

  @Test
  void closeIsIdempotentWaitsForCallsInFlightAndRefusesLaterCalls() throws Exception {
    Affine d = new Affine(graph(true), 16);
    d.entered = new CountDownLatch(1);
    d.proceed = new CountDownLatch(1);
    CompletableFuture<Tensor> call = CompletableFuture.supplyAsync(() -> d.evaluate(input(2)));
    await(d.entered);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(d::close);
    Thread.sleep(100);
    assertThat(closing).as("close waits for the call in flight").isNotDone();
    assertThat(d.releases).hasValue(0);
    d.proceed.countDown();
    assertThat(call.get(10, TimeUnit.SECONDS).shape()).containsExactly(2, C, T, H, W);
    closing.get(10, TimeUnit.SECONDS);
    d.close();
    assertThat(d.releases).hasValue(1);
    d.entered = null;
    assertThatThrownBy(() -> d.evaluate(input(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("test, graph g.bin: this denoiser is closed");
    assertThat(d.toString()).isEqualTo("Affine[test, graph g.bin on cpu]");
  }

  @Test
  void graphLookupSaysWhatIsMissing() throws Exception {
    GraphSpec g = graph(true);
    assertThat(GraphDenoiser.requireGraph(specOf(g), "denoiser x", "onnx", "ONNX graph")).isEqualTo(g);
    DenoiserSpec none = new DenoiserSpec("base", OutputKind.EDM, 0.5, C, T, H, W, 4, 8, Optional.empty());
    assertThatThrownBy(() -> GraphDenoiser.requireGraph(none, "denoiser x", "onnx", "ONNX graph"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "denoiser x: stage 'base' has no ONNX graph; add a graphs.onnx entry to the stage in the model bundle's "
                + "vimi-model.json, or use a backend the bundle has graphs for");
    Files.delete(g.file());
    assertThatThrownBy(() -> GraphDenoiser.requireGraph(specOf(g), "denoiser x", "pytorch", "TorchScript graph"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("denoiser x: the TorchScript graph " + g.file() + " of stage 'base' does not exist or is not a file");
  }

  @Test
  void aGpuThatCannotBeUsedIsAnErrorUnlessFallbackIsCpu() {
    var log = LoggerFactory.getLogger(GraphDenoiserTest.class);
    assertThatThrownBy(() -> GraphDenoiser.refuseOrFallBack(log, "w", "cuda:1", false, "no GPU"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("w: device cuda:1 was asked for but cannot be used: no GPU. Or set fallback=cpu to run on the CPU "
            + "instead (with a warning).");
    GraphDenoiser.refuseOrFallBack(log, "w", "cuda:1", true, "no GPU");
    assertThat(GraphDenoiser.missingCudaDevice(0, 1, "no driver found")).isNull();
    assertThat(GraphDenoiser.missingCudaDevice(0, 0, "no driver found"))
        .isEqualTo("this machine has 0 CUDA devices visible (no driver found, or CUDA_VISIBLE_DEVICES hides them); use "
            + "device=cuda:0");
    assertThat(GraphDenoiser.missingCudaDevice(3, 2, "x")).isEqualTo("this machine has 2 CUDA devices visible; use "
        + "device=cuda:0 to cuda:1");
  }

  @Test
  void deviceKeys() {
    DeviceChoice cuda = DeviceChoice.parse(ProviderConfig.of("o", Map.of("device", " CUDA ", "fallback", "cpu")), "");
    assertThat(cuda).isEqualTo(new DeviceChoice("cuda", 0, true));
    assertThat(cuda.gpu()).isTrue();
    assertThat(cuda.onCpu()).isEqualTo(new DeviceChoice("cpu", -1, true));
    assertThat(DeviceChoice.parse(ProviderConfig.empty("o"), "")).isEqualTo(new DeviceChoice("cpu", -1, false));
    assertThat(DeviceChoice.parse(ProviderConfig.of("o", Map.of("device", "cuda:12")), "").cudaIndex()).isEqualTo(12);
    assertThatThrownBy(() -> DeviceChoice.parse(ProviderConfig.of("o", Map.of("device", "gpu")), "; a hint"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("o: configuration key 'device' is 'gpu' but must be cpu, cuda or cuda:N with N a GPU index (0, 1, "
            + "...); a hint");
    assertThatThrownBy(() -> DeviceChoice.parse(ProviderConfig.of("o", Map.of("fallback", "gpu")), ""))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'fallback' is 'gpu' but must be none");
  }
}
