package dev.vimi.spring.boot.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.Plugins;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spring.boot.autoconfigure.VimiHealthIndicator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot host as an integrator writes it: an application class with no vimi code, the starter
 * and the onnx backend on the class path, and properties. Its context starts (auto-configuration found
 * through the starter's {@code AutoConfiguration.imports}) and generates with the real default model,
 * ViMi-tiny (models/vimi-tiny/bundle: the mllm encoder with MiniLM, base and upsampler graphs on ONNX
 * Runtime, CPU), grounded by a Lucene memory of a few of the embedded emoji pictures.
 */
class SpringBootHostTest {
  private static final Logger LOG = LoggerFactory.getLogger(SpringBootHostTest.class);
  private static final Path REPO = Path.of("").toAbsolutePath().resolve("../..").normalize();
  private static final Path EMOJI = REPO.resolve("memories/emoji/src/main/resources/dev/vimi/memory/emoji/images");

  /** The whole host: no vimi code, no bean of its own. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class Host {}

  @TempDir Path dir;

  private Path memory() {
    Path index = dir.resolve("memory");
    ProviderConfig config = ProviderConfig.of("retriever lucene", Map.of(LuceneMemoryConfig.INDEX_DIR, index.toString()));
    try (MemoryWriter w = Plugins.discover().retrievers().get("lucene").openWriter(config)) {
      w.add(new ImageTextPair("emoji-1f436", "dog face", List.of("animal", "dog", "pet", "puppy"), ImageRef.of(EMOJI.resolve("1f436.png"))));
      w.add(new ImageTextPair("emoji-1f415", "dog", List.of("animal", "dogs", "pet"), ImageRef.of(EMOJI.resolve("1f415.png"))));
      w.add(new ImageTextPair("emoji-1f431", "cat face", List.of("animal", "cat", "kitten"), ImageRef.of(EMOJI.resolve("1f431.png"))));
      w.add(new ImageTextPair("emoji-1f41f", "fish", List.of("animal", "fishing"), ImageRef.of(EMOJI.resolve("1f41f.png"))));
    }
    return index;
  }

  @Test
  void aHostWithOnlyTheStarterTheBackendAndPropertiesStartsAndGenerates() {
    Path index = memory();
    try (ConfigurableApplicationContext ctx =
        new SpringApplicationBuilder(Host.class)
            .web(WebApplicationType.NONE)
            .properties(
                "vimi.model=" + REPO.resolve("models/vimi-tiny/bundle"),
                "vimi.denoiser=onnx",
                "vimi.denoiser.device=cpu",
                "vimi.retriever=lucene",
                "vimi.retriever.index.dir=" + index)
            .run()) {
      VimiPipeline pipeline = ctx.getBean(VimiPipeline.class);
      assertThat(pipeline.info().denoiser()).isEqualTo("onnx");
      assertThat(pipeline.info().encoder()).isEqualTo("mllm");
      assertThat(pipeline.info().retriever()).isEqualTo("lucene");
      assertThat(ctx.getBean(VimiHealthIndicator.class).health(true).getStatus()).isEqualTo(Status.UP);

      long t0 = System.nanoTime();
      GenerationResult r =
          pipeline.generate(
              GenerationRequest.builder()
                  .prompt("a dog moves right on a blue background")
                  .seed(7)
                  .steps(4, 2, 2)
                  .guidance(Guidance.constant(3.0))
                  .build());
      LOG.info("vimi-tiny in a Spring Boot context: 4 + 2 + 2 Heun steps in {} ms", (System.nanoTime() - t0) / 1_000_000);

      StageSpec last = pipeline.model().finalStage();
      assertThat(r.video().frames().shape()).containsExactly(3, last.frames(), last.height(), last.width());
      assertThat(r.retrieved()).extracting(RetrievedItem::id).containsExactlyInAnyOrder("emoji-1f415", "emoji-1f436");
      float[] px = r.video().frames().toArray();
      double mean = 0;
      for (float v : px) {
        assertThat(v).isBetween(-1f, 1f);
        mean += v;
      }
      mean /= px.length;
      double var = 0;
      for (float v : px) {
        var += (v - mean) * (v - mean);
      }
      // a picture, not a constant: the sprite differs from the background
      assertThat(var / px.length).isGreaterThan(1e-3);
    }
  }
}
