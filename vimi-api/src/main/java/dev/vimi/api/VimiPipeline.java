package dev.vimi.api;

import dev.vimi.api.internal.observe.ObservedRun;
import dev.vimi.api.internal.observe.SafeObservation;
import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A composed ViMi pipeline: task instruction, retrieval, condition encoding, and the EDM cascade.
 *
 * <pre>{@code
 * try (VimiPipeline p = VimiPipeline.builder().configure(Path.of("vimi.properties")).build()) {
 *   GenerationResult r = p.generate(GenerationRequest.builder().prompt("a dog surfing").seed(7).build());
 * }
 * }</pre>
 *
 * <p><b>Output range.</b> Every stage's sampled video is clamped to {@code [-1, 1]} (the range the
 * models are trained on) before it is returned and before it conditions the next cascade stage: a
 * later stage sees the clamped video, and every {@link dev.vimi.spi.Video} in a {@link
 * GenerationResult} holds values in {@code [-1, 1]} only.
 *
 * <p><b>Thread-safety.</b> A pipeline is immutable once built and safe to call from many threads at
 * once: each call has its own sampler state, and the providers it holds are thread-safe by contract.
 * <b>Ownership.</b> The pipeline owns the retriever, encoder and denoisers it created and closes them
 * in {@link #close()}; results are owned by the caller.
 */
public final class VimiPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VimiPipeline.class);

  private final ModelSpec model;
  private final List<Denoiser> denoisers;
  private final ConditionEncoder encoder;
  private final Retriever retriever;
  private final Map<String, TaskInstruction> tasks;
  private final String defaultTask;
  private final int defaultK;
  private final String description;
  private final PipelineInfo info;
  /** Null when no observer is registered: then {@link #generate} does no observation work at all. */
  private final GenerationObserver observer;
  private volatile boolean closed;
  /** Cancellations of the asynchronous generations in flight; also the lock of the executor's creation. */
  private final Set<Cancellation> inFlight = ConcurrentHashMap.newKeySet();
  private ExecutorService executor;

  private VimiPipeline(
      ModelSpec model,
      List<Denoiser> denoisers,
      ConditionEncoder encoder,
      Retriever retriever,
      Map<String, TaskInstruction> tasks,
      String defaultTask,
      int defaultK,
      String description,
      PipelineInfo info,
      GenerationObserver observer) {
    this.model = model;
    this.denoisers = List.copyOf(denoisers);
    this.encoder = encoder;
    this.retriever = retriever;
    this.tasks = Map.copyOf(tasks);
    this.defaultTask = defaultTask;
    this.defaultK = defaultK;
    this.description = description;
    this.info = info;
    this.observer = observer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The model this pipeline runs. */
  public ModelSpec model() {
    return model;
  }

  /** The names of the tasks this pipeline knows, sorted. */
  public List<String> taskNames() {
    return tasks.keySet().stream().sorted().toList();
  }

  /** The default task name. */
  public String defaultTask() {
    return defaultTask;
  }

  /** The providers this pipeline was composed of. */
  public PipelineInfo info() {
    return info;
  }

  /**
   * Asks the retriever for its memory's size figures: a cheap check that the memory is reachable
   * (health checks call it).
   *
   * @return empty when the pipeline has no retriever
   * @throws dev.vimi.spi.BackendException (or another runtime exception of the retriever) if the
   *     memory cannot be reached
   */
  public Optional<MemoryStats> memoryStats() {
    if (closed) {
      throw new IllegalStateException("the pipeline is closed");
    }
    return retriever == null ? Optional.empty() : Optional.of(retriever.stats());
  }

  /** Generates with no progress reporting and no cancellation. */
  public GenerationResult generate(GenerationRequest request) {
    return generate(request, ProgressListener.NONE, Cancellation.none());
  }

  /**
   * Generates the request's videos ({@link GenerationRequest#count()} of them, each through every
   * stage; a long video clip after clip). Blocks until done, on the calling thread. Request fields that
   * the model cannot take are rejected before any network runs.
   *
   * @throws InvalidInputException for a request the model or task cannot take
   * @throws GenerationCancelledException if {@code cancellation} was cancelled
   * @throws dev.vimi.spi.BackendException if a provider failed
   */
  public GenerationResult generate(GenerationRequest request, ProgressListener listener, Cancellation cancellation) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(cancellation, "cancellation");
    if (closed) {
      throw new IllegalStateException("the pipeline is closed");
    }
    if (observer != null) {
      String task = request.task() != null ? request.task() : defaultTask;
      GenerationContext context =
          new GenerationContext(
              tasks.containsKey(task) ? task : "unknown", info.model(), info.denoiser(), info.device(), info.encoder(),
              info.retriever(), request);
      // the run sees wrappers of the retriever, encoder and denoisers that report to the observer
      return ObservedRun.run(
          observer, context, listener, retriever, encoder, denoisers,
          (l, r, e, d) -> new GenerationRun(model, d, e, r, tasks, defaultTask, defaultK, request, l, cancellation).run());
    }
    return new GenerationRun(model, denoisers, encoder, retriever, tasks, defaultTask, defaultK, request, listener, cancellation)
        .run();
  }

  /**
   * Generates on another thread. The returned future completes with the result, or exceptionally
   * with what {@link #generate(GenerationRequest, ProgressListener, Cancellation)} would throw;
   * {@code cancel(...)} on it stops the sampler before its next network evaluation (so within one
   * step) and the generation ends with a {@link GenerationCancelledException} that nobody sees (the
   * future is already cancelled). Cancelling a future derived from it ({@code thenApply}, ...) does
   * not reach the generation.
   *
   * <p><b>Executor.</b> The work runs on this pipeline's own executor of platform (not virtual)
   * daemon threads named {@code vimi-generate-N}, one per generation in flight, created when needed
   * and ended by {@link #close()}. Not virtual threads: a generation spends its time in native
   * inference calls (ONNX Runtime, libtorch) that pin a virtual thread to its carrier for their
   * whole duration, so virtual threads would only starve the carrier pool that the application's
   * other virtual threads share. To choose the threads yourself, use {@link #generateAsync(
   * GenerationRequest, ProgressListener, Executor)}.
   */
  public CompletableFuture<GenerationResult> generateAsync(GenerationRequest request, ProgressListener listener) {
    return generateAsync(request, listener, asyncExecutor());
  }

  /**
   * Generates on {@code executor} (prefer platform threads; see {@link #generateAsync(
   * GenerationRequest, ProgressListener)}). Cancelling the returned future stops the sampler at its
   * next network evaluation.
   */
  public CompletableFuture<GenerationResult> generateAsync(GenerationRequest request, ProgressListener listener, Executor executor) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(executor, "executor");
    if (closed) {
      throw new IllegalStateException("the pipeline is closed");
    }
    Cancellation cancellation = new Cancellation();
    CompletableFuture<GenerationResult> future = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        cancellation.cancel();
        return super.cancel(mayInterruptIfRunning);
      }
    };
    inFlight.add(cancellation);
    try {
      executor.execute(() -> {
        try {
          if (!future.isDone()) {
            future.complete(generate(request, listener, cancellation));
          }
        } catch (Throwable t) {
          future.completeExceptionally(t);
        } finally {
          inFlight.remove(cancellation);
        }
      });
    } catch (RuntimeException e) {
      inFlight.remove(cancellation);
      throw e;
    }
    return future;
  }

  private ExecutorService asyncExecutor() {
    synchronized (inFlight) {
      if (closed) {
        throw new IllegalStateException("the pipeline is closed");
      }
      if (executor == null) {
        AtomicInteger n = new AtomicInteger();
        executor =
            Executors.newCachedThreadPool(r -> {
              Thread t = Thread.ofPlatform().name("vimi-generate-" + n.incrementAndGet()).daemon(true).unstarted(r);
              return t;
            });
      }
      return executor;
    }
  }

  /**
   * Closes the providers this pipeline created. Idempotent. Asynchronous generations still running
   * are cancelled and awaited (they stop at their next network evaluation) before the providers close.
   */
  @Override
  public void close() {
    ExecutorService ex;
    synchronized (inFlight) {
      if (closed) {
        return;
      }
      closed = true;
      ex = executor;
    }
    inFlight.forEach(Cancellation::cancel);
    if (ex != null) {
      ex.shutdown();
      try {
        if (!ex.awaitTermination(10, TimeUnit.MINUTES)) {
          LOG.warn("asynchronous generations did not stop within 10 minutes of close(); closing the providers anyway");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    closeAll(denoisers, encoder, retriever);
  }

  private static void closeAll(List<Denoiser> denoisers, ConditionEncoder encoder, Retriever retriever) {
    RuntimeException first = null;
    List<AutoCloseable> all = new ArrayList<>(denoisers);
    all.add(encoder);
    all.add(retriever);
    for (AutoCloseable c : all) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = new ConfigurationException("closing " + c + " failed: " + e.getMessage(), e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "VimiPipeline[" + description + "]";
  }

  /**
   * Composes a pipeline from provider names and configuration. Not thread-safe; build once and share
   * the pipeline.
   */
  public static final class Builder {
    private Plugins plugins;
    private ModelSpec model;
    private String denoiserName;
    private Map<String, String> denoiserConfig = Map.of();
    private String encoderName;
    private Map<String, String> encoderConfig = Map.of();
    private String retrieverName;
    private Map<String, String> retrieverConfig = Map.of();
    private boolean retrievalOff;
    private String defaultTask = "t2v";
    private int defaultK = 2;
    private final List<GenerationObserver> observers = new ArrayList<>();
    private java.util.function.Function<Path, ModelSpec> modelLoader = p -> dev.vimi.api.model.ModelBundle.load(p).spec();

    private Builder() {}

    /** The providers to choose from; {@link Plugins#discover()} by default. */
    public Builder plugins(Plugins plugins) {
      this.plugins = Objects.requireNonNull(plugins);
      return this;
    }

    public Builder model(ModelSpec model) {
      this.model = Objects.requireNonNull(model);
      return this;
    }

    /**
     * How {@code model=<path>} in a configuration is loaded; by default a bundle folder through
     * {@link dev.vimi.api.model.ModelBundle#load(Path)}, which checks the manifest and every file's sha256.
     */
    public Builder modelLoader(java.util.function.Function<Path, ModelSpec> loader) {
      this.modelLoader = loader;
      return this;
    }

    /**
     * The denoiser backend by name ({@code "onnx"}, {@code "pytorch"}); null picks the present provider
     * with the highest priority (see {@link ProviderRegistry#preferred()}).
     */
    public Builder denoiser(String name, Map<String, String> config) {
      this.denoiserName = name;
      this.denoiserConfig = Map.copyOf(config);
      return this;
    }

    /** The condition encoder by name; null takes the model's encoder, or the preferred one present. */
    public Builder encoder(String name, Map<String, String> config) {
      this.encoderName = name;
      this.encoderConfig = Map.copyOf(config);
      return this;
    }

    /** The retriever by name ({@code "lucene"}, {@code "vespa"}); without one, retrieval is off. */
    public Builder retriever(String name, Map<String, String> config) {
      this.retrieverName = Objects.requireNonNull(name);
      this.retrieverConfig = Map.copyOf(config);
      this.retrievalOff = false;
      return this;
    }

    /** Builds without a retriever: tasks that retrieve run on the user's prompt alone. */
    public Builder noRetriever() {
      this.retrieverName = null;
      this.retrievalOff = true;
      return this;
    }

    public Builder defaultTask(String task) {
      this.defaultTask = Objects.requireNonNull(task);
      return this;
    }

    /** Pairs retrieved per generation when the request does not say (ViMi: 2). */
    public Builder retrievalK(int k) {
      if (k < 0 || k > 64) {
        throw new InvalidInputException("retrieval.k", "must be in [0, 64] but is " + k);
      }
      this.defaultK = k;
      return this;
    }

    /**
     * Adds an observer of every generation (timing, retrieval hits, encoder and denoiser calls,
     * outcome); several observers each see every event, in the order they were added. Without an
     * observer a pipeline does no observation work at all.
     */
    public Builder observer(GenerationObserver observer) {
      this.observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /** Applies a configuration file ({@code .properties} or {@code .json}); see {@link PipelineConfig}. */
    public Builder configure(Path file) {
      return configure(PipelineConfig.read(file));
    }

    /** Applies a configuration; keys it does not set keep their current values. */
    public Builder configure(PipelineConfig cfg) {
      cfg.path("model").ifPresent(p -> {
        if (modelLoader == null) {
          throw new ConfigurationException(
              "configuration key 'model' names a bundle (" + p + ") but no model loader is set; call modelLoader(...)");
        }
        model = modelLoader.apply(p);
      });
      cfg.get("denoiser").ifPresent(n -> denoiserName = n);
      denoiserConfig = merge(denoiserConfig, cfg.section("denoiser", "denoiser").asMap());
      cfg.get("encoder").ifPresent(n -> encoderName = n);
      encoderConfig = merge(encoderConfig, cfg.section("encoder", "encoder").asMap());
      cfg.get("retriever").ifPresent(n -> {
        retrieverName = n.equals("none") ? null : n;
        retrievalOff = n.equals("none");
      });
      retrieverConfig = merge(retrieverConfig, cfg.section("retriever", "retriever").asMap());
      cfg.get("task").ifPresent(t -> defaultTask = t);
      cfg.get("retrieval.k").ifPresent(k -> {
        try {
          retrievalK(Integer.parseInt(k.trim()));
        } catch (NumberFormatException e) {
          throw new ConfigurationException("configuration key 'retrieval.k' must be an integer but is '" + k + "'", e);
        }
      });
      return this;
    }

    private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
      Map<String, String> m = new TreeMap<>(a);
      m.putAll(b);
      return m;
    }

    /**
     * Creates the providers and checks that they fit the model (conditioning shape, graphs). On
     * failure, everything created so far is closed.
     */
    public VimiPipeline build() {
      if (model == null) {
        throw new ConfigurationException("no model: call model(...) or set 'model' in the configuration");
      }
      Plugins pl = plugins != null ? plugins : Plugins.discover();
      Map<String, TaskInstruction> tasks = new LinkedHashMap<>();
      for (String name : pl.tasks().names()) {
        TaskProvider tp = pl.tasks().get(name);
        TaskInstruction t = tp.create(ProviderConfig.empty("task " + name));
        if (!t.name().equals(name)) {
          throw new ConfigurationException(
              "task provider '" + name + "' (" + ProviderRegistry.source(tp) + ") created a task named '" + t.name() + "'");
        }
        tasks.put(name, t);
      }
      if (!tasks.containsKey(defaultTask)) {
        throw new ProviderNotFoundException("task", defaultTask, List.copyOf(tasks.keySet()));
      }
      DenoiserProvider dp = denoiserName == null ? pl.denoisers().preferred() : pl.denoisers().get(denoiserName);
      ConditionEncoderProvider ep =
          encoderName != null
              ? pl.encoders().get(encoderName)
              : model.encoder() != null ? pl.encoders().get(model.encoder().provider()) : pl.encoders().preferred();
      RetrieverProvider rp = retrievalOff || retrieverName == null ? null : pl.retrievers().get(retrieverName);

      List<Denoiser> denoisers = new ArrayList<>();
      ConditionEncoder encoder = null;
      Retriever retriever = null;
      try {
        // engine facts travel in the context, apart from the operator's keys (no reserved keys)
        ProviderContext bundle = ProviderContext.of(model.directory(), Map.of());
        for (StageSpec st : model.stages()) {
          denoisers.add(
              dp.create(
                  st.denoiserSpec(dp.name()),
                  ProviderConfig.of("denoiser " + dp.name() + " (stage " + st.name() + ")", denoiserConfig),
                  bundle));
        }
        // the manifest's encoder settings go to the encoder the model was trained with, and to no other
        Map<String, String> section =
            model.encoder() != null && model.encoder().provider().equals(ep.name()) ? model.encoder().settings() : Map.of();
        encoder = ep.create(ProviderConfig.of("encoder " + ep.name(), encoderConfig), bundle.withSection(section));
        StageSpec first = model.stages().get(0);
        if (encoder.length() != first.conditioningLength() || encoder.dim() != first.conditioningDim()) {
          throw new ConfigurationException(
              "encoder '" + ep.name() + "' produces conditionings [" + encoder.length() + ", " + encoder.dim()
                  + "] but model '" + model.name() + "' takes [" + first.conditioningLength() + ", " + first.conditioningDim()
                  + "]; use the encoder the model was trained with");
        }
        if (rp != null) {
          retriever = rp.open(ProviderConfig.of("retriever " + rp.name(), retrieverConfig));
        }
      } catch (RuntimeException e) {
        try {
          closeAll(denoisers, encoder, retriever);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      String desc =
          "model=" + model.name() + ", denoiser=" + dp.name() + ", encoder=" + ep.name() + ", retriever="
              + (rp == null ? "none" : rp.name());
      LOG.info("pipeline ready: {}", desc);
      PipelineInfo info =
          new PipelineInfo(
              model.name(), dp.name(), denoiserConfig.getOrDefault("device", "cpu").trim().toLowerCase(java.util.Locale.ROOT), ep.name(), rp == null ? "none" : rp.name());
      GenerationObserver observer = observers.isEmpty() ? null : SafeObservation.composite(observers);
      return new VimiPipeline(model, denoisers, encoder, retriever, tasks, defaultTask, defaultK, desc, info, observer);
    }
  }
}
