package dev.vimi.micrometer;

import dev.vimi.api.GenerationCancelledException;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.RetrievedItem;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GenerationObserver} that records vimi's generations in Micrometer: the meters of {@link
 * VimiMetrics} in a {@link MeterRegistry}, and one {@link Observation} per generation in an {@link
 * ObservationRegistry}.
 *
 * <pre>{@code
 * VimiPipeline p = VimiPipeline.builder().configure(config)
 *     .observer(MicrometerGenerationObserver.builder().meterRegistry(meters).observationRegistry(observations).build())
 *     .build();
 * }</pre>
 *
 * <p><b>Generation timer.</b> With an observation registry, {@value VimiMetrics#GENERATION} is the
 * observation; its meter handler (Spring Boot installs one) makes the timer {@value
 * VimiMetrics#GENERATION} and the long task timer {@code vimi.generation.active}. Without one, this
 * observer records the timer {@value VimiMetrics#GENERATION} itself, with the same tags.
 *
 * <p><b>Prompts</b> are never tags or key values. They are logged only when the host opts in with
 * {@link Builder#logPrompts(boolean)} (SLF4J logger {@code dev.vimi.micrometer.prompts}, INFO) or
 * {@link Builder#promptLog(Consumer)}, as Spring AI's {@code log-prompt} does.
 *
 * <p>Immutable and thread-safe; one instance serves any number of pipelines and generations.
 */
public final class MicrometerGenerationObserver implements GenerationObserver {
  private static final Logger PROMPTS = LoggerFactory.getLogger("dev.vimi.micrometer.prompts");

  private final MeterRegistry meters;
  private final ObservationRegistry observations;
  private final GenerationObservationConvention convention;
  private final Consumer<String> promptLog;

  private MicrometerGenerationObserver(Builder b) {
    this.meters = b.meters;
    this.observations = b.observations;
    this.convention = b.convention;
    this.promptLog = b.promptLog;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public GenerationObservation start(GenerationContext context) {
    if (promptLog != null) {
      promptLog.accept(
          "vimi generation: task=" + context.task() + " model=" + context.model() + " seed=" + context.request().seed()
              + " prompt=\"" + new MultimodalPrompt(context.request().prompt()).toPlaceholderText() + "\"");
    }
    Observation observation = null;
    GenerationObservationContext oc = null;
    if (observations != null && !observations.isNoop()) {
      oc = new GenerationObservationContext(context);
      GenerationObservationContext ctx = oc;
      observation =
          Observation.createNotStarted(convention, DefaultGenerationObservationConvention.INSTANCE, () -> ctx, observations).start();
    }
    return new Run(context, observation, oc);
  }

  @Override
  public String toString() {
    return "MicrometerGenerationObserver[meters=" + (meters != null) + ", observations=" + (observations != null)
        + ", logPrompts=" + (promptLog != null) + "]";
  }

  static String outcome(Throwable error) {
    return error == null ? "success" : error instanceof GenerationCancelledException ? "cancelled" : "error";
  }

  /** The observation of one generation; used by its generating thread only. */
  private final class Run implements GenerationObservation {
    private final GenerationContext context;
    private final Observation observation;
    private final Observation.Scope scope;
    private final GenerationObservationContext observationContext;
    private final Tags base;

    Run(GenerationContext context, Observation observation, GenerationObservationContext observationContext) {
      this.context = context;
      this.observation = observation;
      this.observationContext = observationContext;
      this.scope = observation == null ? null : observation.openScope();
      this.base =
          Tags.of(
              VimiMetrics.TAG_TASK, context.task(),
              VimiMetrics.TAG_MODEL, context.model(),
              VimiMetrics.TAG_DENOISER, context.denoiser(),
              VimiMetrics.TAG_DEVICE, context.device());
    }

    private void time(String name, Tags tags, long nanos) {
      if (meters != null) {
        Timer.builder(name).tags(tags).register(meters).record(nanos, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
      Tags tags = base.and(VimiMetrics.TAG_RETRIEVER, context.retriever());
      time(VimiMetrics.RETRIEVAL, tags, nanos);
      if (meters != null) {
        DistributionSummary.builder(VimiMetrics.RETRIEVAL_HITS).baseUnit("pairs").tags(tags).register(meters).record(hits.size());
      }
    }

    @Override
    public void onEncoderCall(EncoderCall call, long nanos) {
      time(
          VimiMetrics.ENCODER_CALLS,
          base.and(VimiMetrics.TAG_ENCODER, context.encoder(), VimiMetrics.TAG_CALL, call.name().toLowerCase(Locale.ROOT)),
          nanos);
    }

    @Override
    public void onDenoiserCall(String stage, int batch, long nanos) {
      time(VimiMetrics.DENOISER_CALLS, base.and(VimiMetrics.TAG_STAGE, stage, VimiMetrics.TAG_BATCH, Integer.toString(batch)), nanos);
    }

    @Override
    public void onStep(String stage, int stageIndex, int step, long nanos) {
      time(VimiMetrics.STEP, base.and(VimiMetrics.TAG_STAGE, stage), nanos);
    }

    @Override
    public void onStageEnd(String stage, int stageIndex, int steps, long nanos) {
      time(VimiMetrics.STAGE, base.and(VimiMetrics.TAG_STAGE, stage), nanos);
    }

    @Override
    public void onSuccess(GenerationResult result, long nanos) {
      end(null, result, nanos);
    }

    @Override
    public void onError(Throwable error, long nanos) {
      end(error, null, nanos);
    }

    private void end(Throwable error, GenerationResult result, long nanos) {
      String outcome = outcome(error);
      if (observation != null) {
        observationContext.ended(outcome, result);
        if (error != null) {
          observation.error(error);
        }
        scope.close();
        observation.stop();
      } else {
        time(
            VimiMetrics.GENERATION,
            base.and(
                VimiMetrics.TAG_OUTCOME, outcome,
                VimiMetrics.TAG_ERROR, error == null ? "none" : error.getClass().getSimpleName()),
            nanos);
      }
    }
  }

  /** Builds observers. Not thread-safe. */
  public static final class Builder {
    private MeterRegistry meters;
    private ObservationRegistry observations;
    private GenerationObservationConvention convention;
    private Consumer<String> promptLog;

    private Builder() {}

    /** Where the timers and the hit summary go; without one, only the observation is recorded. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meters = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Where the generation {@link Observation} goes; without one, the generation timer is recorded directly. */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observations = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** A convention instead of {@link DefaultGenerationObservationConvention} (an observation registry's own wins over both). */
    public Builder convention(GenerationObservationConvention convention) {
      this.convention = convention;
      return this;
    }

    /**
     * Whether to log each generation's prompt (with task, model and seed) at INFO on the SLF4J logger
     * {@code dev.vimi.micrometer.prompts}. Off by default: prompts may be private.
     */
    public Builder logPrompts(boolean log) {
      this.promptLog = log ? PROMPTS::info : null;
      return this;
    }

    /** Sends each generation's prompt line to {@code log} instead (an audit log, say); null turns it off. */
    public Builder promptLog(Consumer<String> log) {
      this.promptLog = log;
      return this;
    }

    /**
     * @throws IllegalStateException if neither a meter registry nor an observation registry was given
     */
    public MicrometerGenerationObserver build() {
      if (meters == null && observations == null) {
        throw new IllegalStateException(
            "a MicrometerGenerationObserver needs a MeterRegistry, an ObservationRegistry or both; call meterRegistry(...) or observationRegistry(...)");
      }
      return new MicrometerGenerationObserver(this);
    }
  }
}
