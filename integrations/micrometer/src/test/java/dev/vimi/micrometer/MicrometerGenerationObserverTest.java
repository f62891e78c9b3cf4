package dev.vimi.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.api.Cancellation;
import dev.vimi.api.EncoderSpec;
import dev.vimi.api.GenerationCancelledException;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Progress;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Micrometer observer on a real two-stage pipeline of compat-tests' reference providers: Gaussian
 * oracle denoiser (batch up to 64), hashing encoder, in-memory BM25 retriever.
 */
class MicrometerGenerationObserverTest {
  private static final String PROMPT = "a zebracorn on a quasar";

  @TempDir Path dir;

  private VimiPipeline pipeline(GenerationObserver observer) {
    Path file = dir.resolve("memory.tsv");
    try (MemoryWriter w = new InMemoryRetrieverProvider().openWriter(ProviderConfig.of("t", Map.of("file", file.toString())))) {
      w.add(new ImageTextPair("p1", "a zebracorn grazing", null));
      w.add(new ImageTextPair("p2", "a bright quasar", null));
      w.add(new ImageTextPair("p3", "a zebracorn and a quasar", null));
    }
    StageSpec base = StageSpec.edmDefaults("base", 2, 4, 4, 3, 32, 64);
    StageSpec up = StageSpec.edmDefaults("upsampler", 2, 8, 8, 2, 32, 64);
    ModelSpec model = new ModelSpec("oracle-cascade", null, List.of(base, up), new EncoderSpec("hashing", Map.of()));
    return VimiPipeline.builder()
        .model(model)
        .denoiser("gaussian-oracle", Map.of("std", "0.3"))
        .retriever(InMemoryRetrieverProvider.NAME, Map.of("file", file.toString()))
        .observer(observer)
        .build();
  }

  private static GenerationRequest request() {
    return GenerationRequest.builder().prompt(PROMPT).seed(1).guidance(2.0).build();
  }

  private static List<String> base(String... more) {
    List<String> t = new ArrayList<>(List.of("task", "t2v", "model", "oracle-cascade", "denoiser", "gaussian-oracle", "device", "cpu"));
    t.addAll(List.of(more));
    return t;
  }

  private static Timer timer(SimpleMeterRegistry r, String name, List<String> tags) {
    return r.get(name).tags(tags.toArray(String[]::new)).timer();
  }

  @Test
  void metersHaveTheDocumentedNamesTagsAndCounts() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (VimiPipeline p = pipeline(MicrometerGenerationObserver.builder().meterRegistry(meters).build())) {
      p.generate(request());
    }
    assertThat(timer(meters, VimiMetrics.GENERATION, base("outcome", "success", "error", "none")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.STAGE, base("stage", "base")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.STAGE, base("stage", "upsampler")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.STEP, base("stage", "base")).count()).isEqualTo(3);
    assertThat(timer(meters, VimiMetrics.STEP, base("stage", "upsampler")).count()).isEqualTo(2);
    // Heun: 2 evaluations per step and 1 on the last; guidance 2 puts both branches in one call of batch 2
    assertThat(timer(meters, VimiMetrics.DENOISER_CALLS, base("stage", "base", "batch", "2")).count()).isEqualTo(5);
    assertThat(timer(meters, VimiMetrics.DENOISER_CALLS, base("stage", "upsampler", "batch", "2")).count()).isEqualTo(3);
    assertThat(timer(meters, VimiMetrics.ENCODER_CALLS, base("encoder", "hashing", "call", "encode")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.ENCODER_CALLS, base("encoder", "hashing", "call", "empty")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.RETRIEVAL, base("retriever", "in-memory")).count()).isEqualTo(1);
    DistributionSummary hits = meters.get(VimiMetrics.RETRIEVAL_HITS).tags(base("retriever", "in-memory").toArray(String[]::new)).summary();
    assertThat(hits.count()).isEqualTo(1);
    assertThat(hits.totalAmount()).isEqualTo(2.0);

    Set<String> names = new TreeSet<>();
    meters.getMeters().forEach(m -> names.add(m.getId().getName()));
    assertThat(names)
        .containsExactlyInAnyOrder(
            VimiMetrics.GENERATION, VimiMetrics.STAGE, VimiMetrics.STEP, VimiMetrics.DENOISER_CALLS, VimiMetrics.ENCODER_CALLS,
            VimiMetrics.RETRIEVAL, VimiMetrics.RETRIEVAL_HITS);
    assertNoTagHoldsThePrompt(meters);
  }

  @Test
  void cancelledAndRefusedGenerationsAreTimedByOutcome() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (VimiPipeline p = pipeline(MicrometerGenerationObserver.builder().meterRegistry(meters).build())) {
      Cancellation cancel = new Cancellation();
      assertThatThrownBy(() -> p.generate(request(), e -> {
        if (e.phase() == Progress.Phase.SAMPLING && e.step() == 2) {
          cancel.cancel();
        }
      }, cancel)).isInstanceOf(GenerationCancelledException.class);
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt(PROMPT).size(7, 7).build()))
          .isInstanceOf(InvalidInputException.class);
    }
    assertThat(timer(meters, VimiMetrics.GENERATION, base("outcome", "cancelled", "error", "GenerationCancelledException")).count())
        .isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.GENERATION, base("outcome", "error", "error", "InvalidInputException")).count()).isEqualTo(1);
    assertThat(meters.find(VimiMetrics.GENERATION).tag("outcome", "success").timer()).isNull();
    // the cancelled one sampled two steps of the base stage and never finished it
    assertThat(timer(meters, VimiMetrics.STEP, base("stage", "base")).count()).isEqualTo(2);
    assertThat(meters.find(VimiMetrics.STAGE).timer()).isNull();
  }

  @Test
  void anObservationRegistryGetsOneObservationWithLowCardinalityKeysAndNoPrompt() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    List<Observation.Context> stopped = new ArrayList<>();
    observations.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStop(Observation.Context context) {
        stopped.add(context);
      }

      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }
    });
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (VimiPipeline p =
        pipeline(MicrometerGenerationObserver.builder().meterRegistry(meters).observationRegistry(observations).build())) {
      p.generate(request());
    }
    TestObservationRegistryAssert.assertThat(observations)
        .hasNumberOfObservationsEqualTo(1)
        .hasObservationWithNameEqualTo(VimiMetrics.GENERATION)
        .that()
        .hasContextualNameEqualTo("vimi t2v")
        .hasLowCardinalityKeyValue("task", "t2v")
        .hasLowCardinalityKeyValue("model", "oracle-cascade")
        .hasLowCardinalityKeyValue("denoiser", "gaussian-oracle")
        .hasLowCardinalityKeyValue("device", "cpu")
        .hasLowCardinalityKeyValue("outcome", "success")
        .hasBeenStarted()
        .hasBeenStopped()
        .doesNotHaveError();
    assertThat(stopped).hasSize(1);
    Observation.Context ctx = stopped.get(0);
    assertThat(ctx).isInstanceOf(GenerationObservationContext.class);
    assertThat(((GenerationObservationContext) ctx).result()).isNotNull();
    List<String> values = new ArrayList<>();
    ctx.getAllKeyValues().forEach(kv -> values.add(kv.getKey() + "=" + kv.getValue()));
    assertThat(values).hasSize(5).noneMatch(v -> v.contains("zebracorn") || v.contains("quasar"));
    assertThat(ctx.getHighCardinalityKeyValues()).isEmpty();
    // the observation's meter handler times the generation: this observer does not time it twice
    assertThat(meters.find(VimiMetrics.GENERATION).timer()).isNull();
    assertThat(meters.get(VimiMetrics.STEP).timers()).hasSize(2);
  }

  @Test
  void withAMeterHandlerTheObservationBecomesTheGenerationTimerAndAnActiveTimer() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
    try (VimiPipeline p =
        pipeline(MicrometerGenerationObserver.builder().meterRegistry(meters).observationRegistry(observations).build())) {
      p.generate(request());
      Cancellation cancel = new Cancellation();
      cancel.cancel();
      assertThatThrownBy(() -> p.generate(request(), e -> {}, cancel)).isInstanceOf(GenerationCancelledException.class);
    }
    assertThat(timer(meters, VimiMetrics.GENERATION, base("outcome", "success", "error", "none")).count()).isEqualTo(1);
    assertThat(timer(meters, VimiMetrics.GENERATION, base("outcome", "cancelled", "error", "GenerationCancelledException")).count())
        .isEqualTo(1);
    LongTaskTimer active = meters.get(VimiMetrics.GENERATION + ".active").longTaskTimer();
    assertThat(active.activeTasks()).isZero();
    assertNoTagHoldsThePrompt(meters);
  }

  @Test
  void promptsAreLoggedOnlyWhereTheHostAsks() {
    List<String> log = new ArrayList<>();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (VimiPipeline p = pipeline(MicrometerGenerationObserver.builder().meterRegistry(meters).promptLog(log::add).build())) {
      p.generate(request());
    }
    assertThat(log).containsExactly("vimi generation: task=t2v model=oracle-cascade seed=1 prompt=\"" + PROMPT + "\"");
    assertNoTagHoldsThePrompt(meters);

    List<String> off = new ArrayList<>();
    MicrometerGenerationObserver o = MicrometerGenerationObserver.builder().meterRegistry(meters).promptLog(off::add).logPrompts(false).build();
    try (VimiPipeline p = pipeline(o)) {
      p.generate(request());
    }
    assertThat(off).isEmpty();
    assertThat(o.toString()).contains("logPrompts=false");
  }

  @Test
  void anObserverNeedsARegistry() {
    assertThatThrownBy(() -> MicrometerGenerationObserver.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("meterRegistry(...)");
  }

  private static void assertNoTagHoldsThePrompt(SimpleMeterRegistry meters) {
    assertThat(meters.getMeters()).isNotEmpty();
    for (Meter m : meters.getMeters()) {
      for (Tag t : m.getId().getTags()) {
        assertThat(t.getValue()).as("tag %s of %s", t.getKey(), m.getId().getName()).doesNotContain("zebracorn").doesNotContain("quasar");
      }
    }
  }
}
