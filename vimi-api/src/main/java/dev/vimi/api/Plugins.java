package dev.vimi.api;

import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.NamedProvider;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;
import dev.vimi.spi.VideoWriterProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The providers visible to a pipeline, one {@link ProviderRegistry} per SPI. Each registry is loaded
 * lazily, on first use, so that an application that never asks for a retriever does not instantiate
 * retriever providers.
 *
 * <p>Thread-safe. There is no global instance: {@link #discover()} builds a new one each call.
 */
public final class Plugins {
  private final Function<Class<?>, List<?>> loader;
  private final Lazy<ProviderRegistry<RetrieverProvider>> retrievers;
  private final Lazy<ProviderRegistry<ConditionEncoderProvider>> encoders;
  private final Lazy<ProviderRegistry<DenoiserProvider>> denoisers;
  private final Lazy<ProviderRegistry<TaskProvider>> tasks;
  private final Lazy<ProviderRegistry<VideoWriterProvider>> writers;

  private Plugins(Function<Class<?>, List<?>> loader) {
    this.loader = loader;
    this.retrievers = new Lazy<>(() -> registry("retriever", RetrieverProvider.class));
    this.encoders = new Lazy<>(() -> registry("encoder", ConditionEncoderProvider.class));
    this.denoisers = new Lazy<>(() -> registry("denoiser", DenoiserProvider.class));
    this.tasks = new Lazy<>(() -> registry("task", TaskProvider.class));
    this.writers = new Lazy<>(() -> registry("video writer", VideoWriterProvider.class));
  }

  /**
   * The providers on the module path of the boot layer and on the class path (through the thread's
   * context class loader).
   */
  public static Plugins discover() {
    return new Plugins(type -> ProviderLookup.load(type.asSubclass(NamedProvider.class)));
  }

  /** The providers visible through {@code classLoader}. */
  public static Plugins of(ClassLoader classLoader) {
    Objects.requireNonNull(classLoader, "classLoader");
    return new Plugins(type -> ProviderLookup.load(type.asSubclass(NamedProvider.class), classLoader));
  }

  /** The providers in {@code layer} and its parents, for hosts that load plugins into their own layer. */
  public static Plugins of(ModuleLayer layer) {
    Objects.requireNonNull(layer, "layer");
    return new Plugins(type -> ProviderLookup.load(type.asSubclass(NamedProvider.class), layer));
  }

  /**
   * These providers plus {@code extra}, for hosts that construct some providers in code (for example
   * one wired to the host's own resources) instead of through the service loader.
   */
  public Plugins with(NamedProvider... extra) {
    List<NamedProvider> more = List.of(extra);
    return new Plugins(type -> {
      List<Object> all = new ArrayList<>(loader.apply(type));
      for (NamedProvider p : more) {
        if (type.isInstance(p)) {
          all.add(p);
        }
      }
      return all;
    });
  }

  @SuppressWarnings("unchecked")
  private <P extends NamedProvider> ProviderRegistry<P> registry(String kind, Class<P> type) {
    return new ProviderRegistry<>(kind, (List<P>) loader.apply(type));
  }

  public ProviderRegistry<RetrieverProvider> retrievers() {
    return retrievers.get();
  }

  public ProviderRegistry<ConditionEncoderProvider> encoders() {
    return encoders.get();
  }

  public ProviderRegistry<DenoiserProvider> denoisers() {
    return denoisers.get();
  }

  public ProviderRegistry<TaskProvider> tasks() {
    return tasks.get();
  }

  public ProviderRegistry<VideoWriterProvider> videoWriters() {
    return writers.get();
  }

  /**
   * Whether the task called {@code task} retrieves image-text pairs before it assembles its prompt: the
   * task's own rule ({@link TaskInstruction#retrieves()}), which a pipeline built from these plugins
   * follows. For callers that prepare a memory only when a generation will search it (the command line
   * builds its embedded memory only then); they ask here instead of deciding by the task's name.
   *
   * @throws ProviderNotFoundException if no task has that name; the message lists the tasks present
   */
  public boolean taskRetrieves(String task) {
    Objects.requireNonNull(task, "task");
    return tasks().get(task).create(ProviderConfig.empty("task " + task)).retrieves();
  }

  /**
   * The video writer for {@code target}, chosen by its extension as vimi-video-io's {@code VideoWriters}
   * chooses (see {@link ProviderLookup#videoWriterFor}): {@code .mp4} to the writer that claims it, a path
   * without extension (or an existing folder) to a folder writer; the highest priority wins.
   *
   * @throws dev.vimi.spi.InvalidInputException if no writer takes the target; the message lists the
   *     extensions the present writers take
   */
  public VideoWriterProvider videoWriterFor(Path target) {
    return ProviderLookup.videoWriterFor(target, videoWriters().all());
  }

  /** A value computed once, on first use; safe for concurrent callers. */
  private static final class Lazy<T> {
    private final java.util.function.Supplier<T> supplier;
    private volatile T value;

    Lazy(java.util.function.Supplier<T> supplier) {
      this.supplier = supplier;
    }

    T get() {
      T v = value;
      if (v == null) {
        synchronized (this) {
          v = value;
          if (v == null) {
            v = supplier.get();
            value = v;
          }
        }
      }
      return v;
    }
  }
}
