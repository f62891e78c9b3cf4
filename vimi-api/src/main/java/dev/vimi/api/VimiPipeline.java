package dev.vimi.api;

import dev.vimi.api.internal.cascade.VideoResize;
import dev.vimi.api.internal.observe.ObservedRun;
import dev.vimi.api.internal.observe.SafeObservation;
import dev.vimi.api.internal.sampling.EdmSampler;
import dev.vimi.api.internal.sampling.GuidedDenoiser;
import dev.vimi.api.internal.sampling.NoiseSource;
import dev.vimi.api.internal.sampling.SigmaSchedule;
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
import java.util.Optional;
import java.util.TreeMap;
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
   * Generates one video. Blocks until done. Request fields that the model cannot take are rejected
   * before any network runs.
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
      return ObservedRun.run(
          observer, context, listener, retriever, encoder, denoisers, (l, r, e, d) -> run(request, l, cancellation, r, e, d));
    }
    return run(request, listener, cancellation, retriever, encoder, denoisers);
  }

  /**
   * The generation, on the components it is given: the pipeline's own or, under observation, wrappers
   * of them (the parameters shadow the fields of the same names on purpose).
   */
  private GenerationResult run(
      GenerationRequest request,
      ProgressListener listener,
      Cancellation cancellation,
      Retriever retriever,
      ConditionEncoder encoder,
      List<Denoiser> denoisers) {
    long start = System.nanoTime();
    StageSpec last = model.finalStage();
    checkEquals("frames", request.frames().isPresent() ? request.frames().getAsInt() : last.frames(), last.frames());
    checkEquals("width", request.width().isPresent() ? request.width().getAsInt() : last.width(), last.width());
    checkEquals("height", request.height().isPresent() ? request.height().getAsInt() : last.height(), last.height());
    int[] steps = request.steps();
    if (steps.length > 1 && steps.length != model.stages().size()) {
      throw new InvalidInputException(
          "steps", "give one step count for all stages or one per stage (" + model.stages().size() + "), not " + steps.length);
    }
    String taskName = request.task() != null ? request.task() : defaultTask;
    TaskInstruction task = tasks.get(taskName);
    if (task == null) {
      throw new ProviderNotFoundException("task", taskName, taskNames());
    }
    TaskInput input = request.taskInput();
    task.validate(input);
    float fps = request.fps().isPresent() ? (float) request.fps().getAsDouble() : last.fps();
    int stagesN = model.stages().size();

    List<RetrievedItem> retrieved = List.of();
    int k = request.retrievalK().orElse(defaultK);
    if (task.retrieves() && k > 0) {
      if (retriever == null) {
        LOG.info("task '{}' retrieves but the pipeline has no retriever: generating without retrieved pairs", taskName);
      } else {
        listener.onProgress(new Progress(Progress.Phase.RETRIEVING, "retrieval", 0, stagesN, 0, 1));
        retrieved = retriever.retrieve(new RetrievalQuery(task.retrievalQuery(input), k));
        LOG.debug("retrieved {} pair(s) for '{}'", retrieved.size(), task.retrievalQuery(input));
      }
    }
    cancellation.check("after retrieval");

    MultimodalPrompt prompt = task.assemble(input, retrieved);
    listener.onProgress(new Progress(Progress.Phase.ENCODING, "encoding", 0, stagesN, 0, 1));
    Conditioning cond = encoder.encode(prompt);
    Conditioning uncond = encoder.empty();
    cancellation.check("after encoding");

    EdmSampler sampler = new EdmSampler(request.sampler(), request.churn());
    List<Video> stageVideos = new ArrayList<>();
    double[] previous = null;
    StageSpec prevSpec = null;
    for (int s = 0; s < stagesN; s++) {
      StageSpec st = model.stages().get(s);
      int stepCount = steps.length == 0 ? st.steps() : steps.length == 1 ? steps[0] : steps[s];
      Guidance guidance = request.guidance() != null ? request.guidance() : st.guidance();
      Tensor lowRes = null;
      if (previous != null) {
        double[] resized =
            VideoResize.resize(
                previous, prevSpec.channels(), prevSpec.frames(), prevSpec.height(), prevSpec.width(),
                st.frames(), st.height(), st.width(), st.lowResResize());
        lowRes = Tensor.of(resized, st.channels(), st.frames(), st.height(), st.width());
      }
      GuidedDenoiser d = new GuidedDenoiser(denoisers.get(s), cond, uncond, guidance, fps, lowRes, cancellation);
      double[] sigmas = SigmaSchedule.karras(stepCount, st.sigmaMin(), st.sigmaMax(), st.rho());
      int n = st.channels() * st.frames() * st.height() * st.width();
      double[] noise = new double[n];
      NoiseSource.of(request.seed(), 2L * s).fill(noise);
      NoiseSource churnNoise = NoiseSource.of(request.seed(), 2L * s + 1);
      final int stageIndex = s;
      listener.onProgress(new Progress(Progress.Phase.SAMPLING, st.name(), s, stagesN, 0, stepCount));
      double[] x =
          sampler.sample(
              noise, sigmas, d, churnNoise,
              done -> listener.onProgress(new Progress(Progress.Phase.SAMPLING, st.name(), stageIndex, stagesN, done, stepCount)));
      for (int j = 0; j < n; j++) {
        x[j] = Math.max(-1, Math.min(1, x[j]));
      }
      LOG.debug("stage '{}': {} steps, {} network evaluations", st.name(), stepCount, d.evaluations());
      stageVideos.add(new Video(Tensor.of(x, st.channels(), st.frames(), st.height(), st.width()), fps));
      previous = x;
      prevSpec = st;
    }
    listener.onProgress(new Progress(Progress.Phase.DONE, "done", stagesN - 1, stagesN, 1, 1));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    return new GenerationResult(stageVideos.get(stagesN - 1), stageVideos, retrieved, prompt, request.seed(), elapsed);
  }

  private static void checkEquals(String field, int requested, int model) {
    if (requested != model) {
      throw new InvalidInputException(
          field, "this model generates " + field + " = " + model + " only, but " + requested + " was requested; omit it or set it to " + model);
    }
  }

  /** Closes the providers this pipeline created. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
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
        Map<String, String> dcfg = new TreeMap<>(denoiserConfig);
        if (model.directory() != null) {
          dcfg.putIfAbsent("model.dir", model.directory().toString());
        }
        for (StageSpec st : model.stages()) {
          denoisers.add(dp.create(st.denoiserSpec(dp.name()), ProviderConfig.of("denoiser " + dp.name() + " (stage " + st.name() + ")", dcfg)));
        }
        Map<String, String> ecfg = new TreeMap<>();
        if (model.encoder() != null) {
          model.encoder().settings().forEach((k, v) -> ecfg.put("model." + k, v));
        }
        if (model.directory() != null) {
          ecfg.put("model.dir", model.directory().toString());
        }
        ecfg.putAll(encoderConfig);
        encoder = ep.create(ProviderConfig.of("encoder " + ep.name(), ecfg));
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
