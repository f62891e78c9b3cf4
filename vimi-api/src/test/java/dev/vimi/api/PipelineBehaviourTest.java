package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.compat.reference.GaussianOracleDenoiserProvider;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class PipelineBehaviourTest {

  private static VimiPipeline small(int steps) {
    return Oracles.gaussian(Oracles.model(4, 8, 8, steps, OutputKind.EDM), 0, 0.3, 1);
  }

  @Test
  void sameSeedGivesIdenticalVideosAndOtherSeedsDiffer() {
    try (VimiPipeline p = small(12)) {
      float[] a = p.generate(GenerationRequest.builder().prompt("a cat").seed(1).build()).video().frames().toArray();
      float[] b = p.generate(GenerationRequest.builder().prompt("a cat").seed(1).build()).video().frames().toArray();
      float[] c = p.generate(GenerationRequest.builder().prompt("a cat").seed(2).build()).video().frames().toArray();
      assertThat(a).isEqualTo(b);
      assertThat(a).isNotEqualTo(c);
    }
  }

  @Test
  void concurrentGenerationsEqualSequentialOnes() throws Exception {
    try (VimiPipeline p = small(10)) {
      List<float[]> expected = new ArrayList<>();
      for (int s = 0; s < 6; s++) {
        expected.add(p.generate(GenerationRequest.builder().prompt("a dog " + s).seed(s).build()).video().frames().toArray());
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> fs = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
          for (int s = 0; s < 6; s++) {
            int seed = s;
            fs.add(pool.submit(() -> p.generate(GenerationRequest.builder().prompt("a dog " + seed).seed(seed).build()).video().frames().toArray()));
          }
        }
        for (int i = 0; i < fs.size(); i++) {
          assertThat(fs.get(i).get()).isEqualTo(expected.get(i % 6));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void progressCountsEveryStepAndCancellationStops() {
    try (VimiPipeline p = small(9)) {
      List<Progress> seen = new ArrayList<>();
      p.generate(GenerationRequest.builder().prompt("a cat").build(), seen::add, Cancellation.none());
      assertThat(seen).extracting(Progress::phase).contains(Progress.Phase.ENCODING, Progress.Phase.SAMPLING, Progress.Phase.DONE);
      assertThat(seen.stream().filter(e -> e.phase() == Progress.Phase.SAMPLING).map(Progress::step).toList())
          .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);

      Cancellation cancel = new Cancellation();
      AtomicInteger steps = new AtomicInteger();
      assertThatThrownBy(
              () -> p.generate(GenerationRequest.builder().prompt("a cat").build(), e -> {
                if (e.phase() == Progress.Phase.SAMPLING && steps.incrementAndGet() == 4) {
                  cancel.cancel();
                }
              }, cancel))
          .isInstanceOf(GenerationCancelledException.class);
      assertThat(steps.get()).isEqualTo(4);
    }
  }

  /** Counts calls and batch sizes, delegating to the Gaussian oracle. */
  private static DenoiserProvider counting(int maxBatch, AtomicInteger calls, UnaryOperator<Tensor> corrupt) {
    return new DenoiserProvider() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
        Denoiser inner = new GaussianOracleDenoiserProvider().create(spec, ProviderConfig.of("t", Map.of("std", "0.3", "max-batch", "" + maxBatch)));
        return new Denoiser() {
          @Override
          public DenoiserSpec spec() {
            return spec;
          }

          @Override
          public int maxBatch() {
            return maxBatch;
          }

          @Override
          public Tensor evaluate(DenoiserInput in) {
            calls.incrementAndGet();
            return corrupt.apply(inner.evaluate(in));
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  private static VimiPipeline with(DenoiserProvider dp, int steps) {
    return VimiPipeline.builder()
        .plugins(Plugins.discover().with(dp))
        .model(Oracles.model(4, 8, 8, steps, OutputKind.EDM))
        .denoiser("counting", Map.of())
        .noRetriever()
        .build();
  }

  @Test
  void guidedAndUnguidedBranchesShareOneCallWhenTheDenoiserTakesABatch() {
    AtomicInteger batched = new AtomicInteger();
    AtomicInteger single = new AtomicInteger();
    float[] a;
    float[] b;
    try (VimiPipeline p = with(counting(2, batched, t -> t), 10)) {
      a = p.generate(GenerationRequest.builder().prompt("a cat").guidance(3).seed(4).build()).video().frames().toArray();
    }
    try (VimiPipeline p = with(counting(1, single, t -> t), 10)) {
      b = p.generate(GenerationRequest.builder().prompt("a cat").guidance(3).seed(4).build()).video().frames().toArray();
    }
    assertThat(batched.get()).as("Heun, 10 steps: 19 evaluations, one call each").isEqualTo(19);
    assertThat(single.get()).as("without a batch: two calls per evaluation").isEqualTo(38);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void aDenoiserReturningTheWrongShapeOrNaNIsNamed() {
    try (VimiPipeline p = with(counting(2, new AtomicInteger(), t -> Tensor.zeros(1, 3, 4, 8, 7)), 4)) {
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").build()))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("returned shape [1, 3, 4, 8, 7]")
          .hasMessageContaining("[1, 3, 4, 8, 8]");
    }
    try (VimiPipeline p = with(counting(2, new AtomicInteger(), t -> Tensor.filled(Float.NaN, t.shape())), 4)) {
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").build()))
          .isInstanceOf(BackendException.class)
          .hasMessageContaining("non-finite value");
    }
  }

  @Test
  void requestsTheModelCannotTakeAreRejectedByField() {
    try (VimiPipeline p = small(4)) {
      // more frames than the clip make a long video (LongVideoTest); fewer are refused
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").frames(3).build()))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("frames"))
          .hasMessageContaining("generates clips of 4 frames");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").size(64, 36).build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("width");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().task("dance").prompt("a cat").build()))
          .isInstanceOf(ProviderNotFoundException.class)
          .hasMessageContaining("No task provider named 'dance'")
          .hasMessageContaining("[predict, subject, t2v]");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().task("predict").prompt("a cat").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("first frame");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().steps(3, 4).prompt("a cat").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("one per stage");
    }
  }

  @Test
  void requestFieldsOutOfRangeFailOnCreation() {
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").frames(0).build()).hasMessageContaining("frames: must be in [1, 1024]");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").fps(Double.NaN).build()).hasMessageContaining("fps");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").guidance(Double.NaN).build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("guidance: guidance scale must be a finite number");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").guidance(Double.POSITIVE_INFINITY).build())
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").steps(0).build()).hasMessageContaining("steps: must be in [1, 10000]");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("   ").build()).hasMessageContaining("prompt: the prompt is empty");
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a <image> and <image>", ImageRef.ofBytes(new byte[] {1})))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("2 <image> placeholder(s) but 1 image(s)");
  }

  @Test
  void unknownProvidersListTheNamesPresent() {
    assertThatThrownBy(
            () -> VimiPipeline.builder().model(Oracles.model(4, 8, 8, 4, OutputKind.EDM)).denoiser("onnxx", Map.of()).noRetriever().build())
        .isInstanceOf(ProviderNotFoundException.class)
        .hasMessageContaining("No denoiser provider named 'onnxx'")
        .hasMessageContaining("gaussian-oracle")
        .hasMessageContaining("add its jar to the module path");
    assertThatThrownBy(
            () -> VimiPipeline.builder().model(Oracles.model(4, 8, 8, 4, OutputKind.EDM)).denoiser("gaussian-oracle", Map.of("std", "-1")).noRetriever().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'std' must be positive");
    assertThatThrownBy(
            () -> VimiPipeline.builder().model(Oracles.model(4, 8, 8, 4, OutputKind.EDM)).denoiser("gaussian-oracle", Map.of())
                .encoder("hashing", Map.of("length", "16")).noRetriever().build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("produces conditionings [16, 64] but model 'oracle' takes [32, 64]");
  }
}
