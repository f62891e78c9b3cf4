package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievedItem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation observers on real small pipelines: the two-stage cascade oracle of {@link CascadeTest}
 * (Gaussian oracle base, exact upsampler), the hashing encoder and the in-memory BM25 retriever of
 * compat-tests.
 */
class ObservationTest {
  @TempDir Path dir;

  /** Records every event as a line; durations are checked to be non-negative and left out of the line. */
  static final class Recorder implements GenerationObserver {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<GenerationContext> contexts = Collections.synchronizedList(new ArrayList<>());
    final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    final List<List<String>> retrieved = Collections.synchronizedList(new ArrayList<>());

    @Override
    public GenerationObservation start(GenerationContext context) {
      contexts.add(context);
      events.add("start " + context.task());
      return new GenerationObservation() {
        private long time(long nanos) {
          assertThat(nanos).isNotNegative();
          return nanos;
        }

        @Override
        public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
          time(nanos);
          events.add("retrieval k=" + k + " hits=" + hits.size());
          retrieved.add(hits.stream().map(RetrievedItem::id).toList());
        }

        @Override
        public void onEncoderCall(EncoderCall call, long nanos) {
          time(nanos);
          events.add("encoder " + call);
        }

        @Override
        public void onStageStart(String stage, int stageIndex, int steps) {
          events.add("stage-start " + stage + " #" + stageIndex + " steps=" + steps);
        }

        @Override
        public void onDenoiserCall(String stage, int batch, long nanos) {
          time(nanos);
          events.add("denoiser " + stage + " batch=" + batch);
        }

        @Override
        public void onStep(String stage, int stageIndex, int step, long nanos) {
          time(nanos);
          events.add("step " + stage + " " + step);
        }

        @Override
        public void onStageEnd(String stage, int stageIndex, int steps, long nanos) {
          time(nanos);
          events.add("stage-end " + stage + " #" + stageIndex + " steps=" + steps);
        }

        @Override
        public void onSuccess(GenerationResult result, long nanos) {
          time(nanos);
          events.add("success");
        }

        @Override
        public void onError(Throwable error, long nanos) {
          time(nanos);
          errors.add(error);
          events.add("error " + error.getClass().getSimpleName());
        }
      };
    }
  }

  private static ModelSpec cascade() {
    StageSpec base = StageSpec.edmDefaults("base", 2, 4, 4, 3, 32, 64);
    StageSpec up = StageSpec.edmDefaults("upsampler", 2, 8, 8, 2, 32, 64);
    return new ModelSpec("cascade", null, List.of(base, up), new EncoderSpec("hashing", Map.of()));
  }

  private Map<String, String> memory() {
    Path file = dir.resolve("memory.tsv");
    try (MemoryWriter w = new InMemoryRetrieverProvider().openWriter(ProviderConfig.of("t", Map.of("file", file.toString())))) {
      w.add(new ImageTextPair("p1", "a cat on a mat", null));
      w.add(new ImageTextPair("p2", "a black cat sleeping", null));
      w.add(new ImageTextPair("p3", "a cat and a dog", null));
      w.add(new ImageTextPair("p4", "a red car", null));
    }
    return Map.of("file", file.toString());
  }

  private VimiPipeline.Builder builder() {
    return VimiPipeline.builder()
        .plugins(Plugins.discover().with(new CascadeTest.CascadeOracleProvider()))
        .model(cascade())
        .denoiser("cascade-oracle", Map.of("device", " CPU "))
        .retriever(InMemoryRetrieverProvider.NAME, memory());
  }

  /** What a Heun stage of {@code steps} steps reports: 2 network calls per step, 1 on the last (sigma 0). */
  private static List<String> stage(String name, int index, int steps, int batch) {
    List<String> out = new ArrayList<>();
    out.add("stage-start " + name + " #" + index + " steps=" + steps);
    for (int i = 1; i <= steps; i++) {
      int calls = i < steps ? 2 : 1;
      for (int c = 0; c < calls; c++) {
        out.add("denoiser " + name + " batch=" + batch);
      }
      out.add("step " + name + " " + i);
    }
    out.add("stage-end " + name + " #" + index + " steps=" + steps);
    return out;
  }

  @Test
  void everyEventOfAGenerationArrivesOnceInOrder() {
    Recorder rec = new Recorder();
    List<Progress> progress = new ArrayList<>();
    try (VimiPipeline p = builder().observer(rec).build()) {
      GenerationResult r =
          p.generate(GenerationRequest.builder().prompt("a cat").seed(3).guidance(2.0).build(), progress::add, Cancellation.none());
      assertThat(r.retrieved()).hasSize(2);
      // the observer saw the pairs themselves, before sampling began
      assertThat(rec.retrieved).containsExactly(r.retrieved().stream().map(RetrievedItem::id).toList());
    }
    List<String> expected = new ArrayList<>();
    expected.add("start t2v");
    expected.add("retrieval k=2 hits=2");
    expected.add("encoder ENCODE");
    expected.add("encoder EMPTY");
    // guidance 2 with denoisers that take a batch of 2: one call per evaluation for both branches
    expected.addAll(stage("base", 0, 3, 2));
    expected.addAll(stage("upsampler", 1, 2, 2));
    expected.add("success");
    assertThat(rec.events).containsExactlyElementsOf(expected);
    // the caller's listener still sees every progress event: retrieval, encoding, 4 + 3 sampling, done (10)
    assertThat(progress).hasSize(10);

    GenerationContext c = rec.contexts.get(0);
    assertThat(List.of(c.task(), c.model(), c.denoiser(), c.device(), c.encoder(), c.retriever()))
        .containsExactly("t2v", "cascade", "cascade-oracle", "cpu", "hashing", InMemoryRetrieverProvider.NAME);
    assertThat(c.toString()).doesNotContain("a cat");
  }

  @Test
  void withoutGuidanceEachBranchIsOneCallOfBatchOneAndRetrievalCanBeOff() {
    Recorder rec = new Recorder();
    try (VimiPipeline p = builder().observer(rec).build()) {
      p.generate(GenerationRequest.builder().prompt("a cat").retrievalK(0).steps(2).build());
    }
    List<String> expected = new ArrayList<>(List.of("start t2v", "encoder ENCODE", "encoder EMPTY"));
    expected.addAll(stage("base", 0, 2, 1));
    expected.addAll(stage("upsampler", 1, 2, 1));
    expected.add("success");
    assertThat(rec.events).containsExactlyElementsOf(expected);
  }

  @Test
  void aBadRequestEndsWithOneErrorAndAnUnknownTaskIsNotATagValue() {
    Recorder rec = new Recorder();
    try (VimiPipeline p = builder().observer(rec).build()) {
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().task("t2v-typo-4711").prompt("a cat").build()))
          .isInstanceOf(ProviderNotFoundException.class);
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").size(7, 7).build()))
          .isInstanceOf(InvalidInputException.class);
    }
    assertThat(rec.events).containsExactly("start unknown", "error ProviderNotFoundException", "start t2v", "error InvalidInputException");
  }

  @Test
  void cancellationStopsTheSequenceAndEndsItWithAnError() {
    Recorder rec = new Recorder();
    Cancellation cancel = new Cancellation();
    try (VimiPipeline p = builder().observer(rec).build()) {
      ProgressListener stopAfterFirstStep = e -> {
        if (e.phase() == Progress.Phase.SAMPLING && e.step() == 1) {
          cancel.cancel();
        }
      };
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").guidance(2.0).build(), stopAfterFirstStep, cancel))
          .isInstanceOf(GenerationCancelledException.class);
    }
    assertThat(rec.events)
        .containsExactly(
            "start t2v", "retrieval k=2 hits=2", "encoder ENCODE", "encoder EMPTY", "stage-start base #0 steps=3",
            "denoiser base batch=2", "denoiser base batch=2", "step base 1", "error GenerationCancelledException");
    assertThat(rec.errors.get(0)).isInstanceOf(GenerationCancelledException.class);
  }

  @Test
  void severalObserversEachSeeEverythingAndAFailingOneChangesNothing() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    AtomicInteger calls = new AtomicInteger();
    GenerationObserver broken = ctx -> new GenerationObservation() {
      @Override
      public void onStep(String stage, int stageIndex, int step, long nanos) {
        calls.incrementAndGet();
        throw new IllegalStateException("observer bug");
      }
    };
    GenerationObserver brokenStart = ctx -> {
      throw new IllegalStateException("observer start bug");
    };
    float[] observed;
    float[] plain;
    try (VimiPipeline p = builder().observer(first).observer(broken).observer(brokenStart).observer(second).build()) {
      observed = p.generate(GenerationRequest.builder().prompt("a cat").seed(5).build()).video().frames().toArray();
    }
    try (VimiPipeline p = builder().build()) {
      plain = p.generate(GenerationRequest.builder().prompt("a cat").seed(5).build()).video().frames().toArray();
    }
    assertThat(observed).isEqualTo(plain);
    assertThat(first.events).isEqualTo(second.events).endsWith("success").hasSize(1 + 1 + 2 + (3 + 5 + 2) + (2 + 3 + 2) + 1);
    assertThat(calls).hasValue(3 + 2);
  }

  @Test
  void withoutAnObserverNothingWrapsTheComponentsOrTheListener() {
    // zero cost when absent: the call path from generate() to the denoiser and to the caller's listener
    // has no observation frame; with an observer, it has
    List<StackTraceElement[]> withObserver = new ArrayList<>();
    List<StackTraceElement[]> without = new ArrayList<>();
    try (VimiPipeline p = builder().build()) {
      p.generate(GenerationRequest.builder().prompt("a cat").steps(1).build(), e -> without.add(new Throwable().getStackTrace()), Cancellation.none());
    }
    try (VimiPipeline p = builder().observer(new Recorder()).build()) {
      p.generate(
          GenerationRequest.builder().prompt("a cat").steps(1).build(), e -> withObserver.add(new Throwable().getStackTrace()), Cancellation.none());
    }
    assertThat(without).isNotEmpty().allSatisfy(st -> assertThat(st).noneMatch(f -> f.getClassName().contains(".internal.observe.")));
    assertThat(withObserver).isNotEmpty().allSatisfy(st -> assertThat(st).anyMatch(f -> f.getClassName().contains(".internal.observe.")));
  }

  @Test
  void theInfoNamesTheProvidersAndMemoryStatsReachTheRetriever() {
    try (VimiPipeline p = builder().build()) {
      assertThat(p.info()).isEqualTo(new PipelineInfo("cascade", "cascade-oracle", "cpu", "hashing", InMemoryRetrieverProvider.NAME));
      assertThat(p.memoryStats()).hasValueSatisfying(s -> assertThat(s.pairs()).isEqualTo(4));
    }
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(2, 4, 4, 2, OutputKind.EDM), 0, 0.3, 1)) {
      assertThat(p.info().retrieves()).isFalse();
      assertThat(p.memoryStats()).isEmpty();
    }
  }
}
