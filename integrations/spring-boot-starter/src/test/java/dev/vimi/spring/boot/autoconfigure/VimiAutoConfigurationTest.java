package dev.vimi.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.api.EncoderSpec;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.compat.reference.InMemoryRetrieverProvider;
import dev.vimi.micrometer.MicrometerGenerationObserver;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The starter in Spring application contexts, on real providers: the repository's test bundle (two
 * stages, exported ONNX graphs) on the onnx backend, compat-tests' hashing encoder (the bundle's) and
 * in-memory BM25 retriever, and the Vespa retriever against a port nobody listens on.
 */
class VimiAutoConfigurationTest {
  private static final Path BUNDLE = Path.of(System.getProperty("test.bundle", "../../models/test-denoiser/bundle")).toAbsolutePath().normalize();

  @TempDir Path dir;
  private Path memory;

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(VimiMicrometerAutoConfiguration.class, VimiAutoConfiguration.class, VimiHealthAutoConfiguration.class));

  @BeforeEach
  void memory() {
    memory = dir.resolve("memory.tsv");
    try (MemoryWriter w = new InMemoryRetrieverProvider().openWriter(ProviderConfig.of("t", Map.of("file", memory.toString())))) {
      w.add(new ImageTextPair("p1", "a dog running on the grass", null));
      w.add(new ImageTextPair("p2", "a dog on a blue background", null));
      w.add(new ImageTextPair("p3", "a red car", null));
    }
  }

  /** The properties a host writes: model, backend, retriever. */
  private String[] hostProperties(String... more) {
    List<String> p =
        new ArrayList<>(
            List.of(
                "vimi.model=" + BUNDLE,
                "vimi.denoiser=onnx",
                "vimi.denoiser.threads=1",
                "vimi.retriever=" + InMemoryRetrieverProvider.NAME,
                "vimi.retriever.file=" + memory,
                // the test bundle's encoder takes 6 tokens; instruction, retrieved captions and prompt are more
                "vimi.encoder.truncate=true"));
    p.addAll(List.of(more));
    return p.toArray(String[]::new);
  }

  private static GenerationRequest request() {
    return GenerationRequest.builder().prompt("a dog moves right").seed(4).steps(2).build();
  }

  @Test
  void propertiesAloneGiveAPipelineThatGeneratesAndClosesWithTheContext() {
    VimiPipeline[] seen = new VimiPipeline[1];
    runner.withPropertyValues(hostProperties()).run(ctx -> {
      assertThat(ctx).hasNotFailed().hasSingleBean(VimiPipeline.class);
      VimiPipeline p = ctx.getBean(VimiPipeline.class);
      seen[0] = p;
      assertThat(p.info().denoiser()).isEqualTo("onnx");
      assertThat(p.info().encoder()).isEqualTo("hashing");
      GenerationResult r = p.generate(request());
      StageSpec last = p.model().finalStage();
      assertThat(r.video().frames().shape()).containsExactly(3, last.frames(), last.height(), last.width());
      assertThat(r.retrieved()).extracting(i -> i.id()).containsExactly("p2", "p1");
    });
    assertThatThrownBy(() -> seen[0].generate(request())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void aHostPipelineBeanWins() {
    runner.withUserConfiguration(HostPipeline.class).withPropertyValues(hostProperties()).run(ctx -> {
      assertThat(ctx).hasSingleBean(VimiPipeline.class);
      assertThat(ctx.getBean(VimiPipeline.class).info().denoiser()).isEqualTo("gaussian-oracle");
    });
  }

  @Test
  void withoutAModelTheContextFailsNamingTheKey() {
    runner.run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("vimi.model").hasMessageContaining("vimi.enabled=false");
    });
    runner.withPropertyValues("vimi.enabled=false").run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(VimiPipeline.class));
  }

  @Test
  void aMistypedProviderKeyFailsWithTheProvidersMessage() {
    runner.withPropertyValues(hostProperties("vimi.denoiser.devcie=cpu")).run(ctx -> {
      assertThat(ctx).hasFailed();
      assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("devcie").hasMessageContaining("device");
    });
  }

  @Test
  void yamlStyleProviderKeysAndAConfigFileWork() throws IOException {
    Path file = dir.resolve("vimi.properties");
    // no onnx-only key in the file: the oracle that replaces onnx would refuse it as unknown
    Files.writeString(file, "model=" + BUNDLE + "\ndenoiser=onnx\nretriever=none\ntask=subject\n");
    runner
        .withPropertyValues(
            "vimi.config-file=" + file,
            "vimi.denoiser.provider=gaussian-oracle",
            "vimi.task=t2v",
            "vimi.retriever.provider=" + InMemoryRetrieverProvider.NAME,
            "vimi.retriever.file=" + memory,
            "vimi.observations.log-prompt=false")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          VimiPipeline p = ctx.getBean(VimiPipeline.class);
          // the file's keys, then the properties over them
          assertThat(p.model().directory()).isEqualTo(BUNDLE);
          assertThat(p.info().denoiser()).isEqualTo("gaussian-oracle");
          assertThat(p.info().retriever()).isEqualTo(InMemoryRetrieverProvider.NAME);
          assertThat(p.defaultTask()).isEqualTo("t2v");
        });
  }

  @Test
  void observerAndCustomizerBeansAreApplied() {
    runner.withUserConfiguration(Extras.class).withPropertyValues(hostProperties()).run(ctx -> {
      VimiPipeline p = ctx.getBean(VimiPipeline.class);
      p.generate(request());
      Extras extras = ctx.getBean(Extras.class);
      assertThat(extras.order).containsExactly("customizer 1", "customizer 2");
      assertThat(extras.events).containsExactly("start t2v", "success");
    });
  }

  @Test
  void withAMeterRegistryGenerationsAreMeasured() {
    runner.withUserConfiguration(Meters.class).withPropertyValues(hostProperties("vimi.observations.log-prompt=true")).run(ctx -> {
      assertThat(ctx).hasSingleBean(MicrometerGenerationObserver.class);
      assertThat(ctx.getBean(MicrometerGenerationObserver.class).toString()).contains("logPrompts=true");
      ctx.getBean(VimiPipeline.class).generate(request());
      MeterRegistry meters = ctx.getBean(MeterRegistry.class);
      String model = ctx.getBean(VimiPipeline.class).model().name();
      assertThat(
              meters.get("vimi.generation")
                  .tags("task", "t2v", "model", model, "denoiser", "onnx", "device", "cpu", "outcome", "success", "error", "none")
                  .timer()
                  .count())
          .isEqualTo(1);
      assertThat(meters.get("vimi.generation.step").tags("stage", "base").timer().count()).isEqualTo(2);
      assertThat(meters.get("vimi.retrieval.hits").summary().totalAmount()).isEqualTo(2.0);
      assertThat(meters.get("vimi.generation.active").longTaskTimer().activeTasks()).isZero();
    });
  }

  @Test
  void withoutMicrometerOnTheClassPathThereIsNoObserver() {
    runner
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class, ObservationRegistry.class))
        .withPropertyValues(hostProperties())
        .run(ctx -> {
          assertThat(ctx).hasNotFailed().hasSingleBean(VimiPipeline.class);
          assertThat(ctx).doesNotHaveBean(MicrometerGenerationObserver.class);
        });
    runner.withPropertyValues(hostProperties()).run(ctx -> assertThat(ctx).doesNotHaveBean(MicrometerGenerationObserver.class));
  }

  @Test
  void healthIsUpWithModelAndMemoryDetails() {
    runner.withPropertyValues(hostProperties()).run(ctx -> {
      Health h = ctx.getBean(VimiHealthIndicator.class).health(true);
      assertThat(h.getStatus()).isEqualTo(Status.UP);
      assertThat(h.getDetails())
          .containsEntry("model", ctx.getBean(VimiPipeline.class).model().name())
          .containsEntry("modelVerified", true)
          .containsEntry("stages", List.of("base", "upsampler"))
          .containsEntry("denoiser", "onnx")
          .containsEntry("device", "cpu")
          .containsEntry("retriever", InMemoryRetrieverProvider.NAME)
          .containsEntry("memoryPairs", 3L);
    });
    runner
        .withPropertyValues(hostProperties("management.health.vimi.enabled=false"))
        .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(VimiHealthIndicator.class));
  }

  @Test
  void healthIsDownWhenTheMemoryCannotBeReached() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nobody listens there
    }
    runner
        .withPropertyValues(
            "vimi.model=" + BUNDLE,
            "vimi.denoiser=onnx",
            "vimi.retriever=vespa",
            "vimi.retriever.endpoint=http://127.0.0.1:" + port,
            "vimi.retriever.retry.max-attempts=1",
            "vimi.retriever.connect-timeout-ms=2000")
        .run(ctx -> {
          assertThat(ctx).hasNotFailed();
          Health h = ctx.getBean(VimiHealthIndicator.class).health(true);
          assertThat(h.getStatus()).isEqualTo(Status.DOWN);
          assertThat(h.getDetails()).containsEntry("retriever", "vespa").containsKey("error");
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class HostPipeline {
    @Bean
    VimiPipeline hostPipeline() {
      StageSpec st = StageSpec.edmDefaults("base", 2, 4, 4, 2, 32, 64);
      return VimiPipeline.builder()
          .model(new ModelSpec("host", null, List.of(st), new EncoderSpec("hashing", Map.of())))
          .denoiser("gaussian-oracle", Map.of())
          .noRetriever()
          .build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Extras {
    final List<String> order = Collections.synchronizedList(new ArrayList<>());
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Bean
    @Order(2)
    VimiPipelineCustomizer second() {
      return b -> order.add("customizer 2");
    }

    @Bean
    @Order(1)
    VimiPipelineCustomizer first() {
      return b -> order.add("customizer 1");
    }

    @Bean
    GenerationObserver recording() {
      return ctx -> {
        events.add("start " + ctx.task());
        return new GenerationObservation() {
          @Override
          public void onSuccess(GenerationResult result, long nanos) {
            events.add("success");
          }
        };
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Meters {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    ObservationRegistry observationRegistry(SimpleMeterRegistry meters) {
      ObservationRegistry r = ObservationRegistry.create();
      r.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
      return r;
    }
  }
}
