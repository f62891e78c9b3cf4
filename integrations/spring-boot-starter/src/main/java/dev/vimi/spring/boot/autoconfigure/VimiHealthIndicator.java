package dev.vimi.spring.boot.autoconfigure;

import dev.vimi.api.ModelSpec;
import dev.vimi.api.PipelineInfo;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.MemoryStats;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of a {@link VimiPipeline}: UP when its model is loaded (and, for a bundle, every file's
 * sha256 was verified on load: a pipeline does not build otherwise) and its retriever answers; DOWN,
 * with the retriever's error, when the memory cannot be reached. Details: model, stages, denoiser,
 * device, encoder, retriever and the memory's pair count. Thread-safe.
 */
public class VimiHealthIndicator extends AbstractHealthIndicator {
  private final VimiPipeline pipeline;

  public VimiHealthIndicator(VimiPipeline pipeline) {
    super("vimi health check failed");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ModelSpec model = pipeline.model();
    PipelineInfo info = pipeline.info();
    builder
        .withDetail("model", model.name())
        .withDetail("modelVerified", model.directory() != null)
        .withDetail("stages", model.stages().stream().map(StageSpec::name).toList())
        .withDetail("denoiser", info.denoiser())
        .withDetail("device", info.device())
        .withDetail("encoder", info.encoder())
        .withDetail("retriever", info.retriever());
    Optional<MemoryStats> stats = pipeline.memoryStats(); // throws when the memory is unreachable: DOWN
    stats.ifPresent(s -> builder.withDetail("memoryPairs", s.pairs()));
    builder.up();
  }
}
