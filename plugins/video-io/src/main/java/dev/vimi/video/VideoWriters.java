package dev.vimi.video;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.internal.OutputTargets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Finds {@link VideoWriterProvider}s through {@link ServiceLoader}, by name ({@code "mp4"}) or by
 * the target path: a path ending in {@code .mp4} or {@code .gif} goes to the writer that claims that
 * extension; a name without extension, or an existing folder whose extension no writer claims
 * ({@code run.2024}), goes to the folder writer ({@code "png"}, a folder of PNG frames).
 *
 * <p>When several providers answer, the highest {@linkplain VideoWriterProvider#priority() priority}
 * wins; two with the same priority are an error that names both classes and where they came from.
 * Discovery and choice are vimi's one rule, {@link ProviderLookup} (the same as vimi-api's {@code
 * Plugins.videoWriters()} and {@code Plugins.videoWriterFor}, which this plugin cannot depend on).
 * Lookups are not cached (no global state): each call asks the {@link ServiceLoader} of the thread's
 * context class loader afresh, or uses the providers it is given. Thread-safe.
 */
public final class VideoWriters {
  private static final String KIND = "video writer";

  private VideoWriters() {}

  /** All video writer providers visible to the current thread's context class loader. */
  public static List<VideoWriterProvider> providers() {
    return ProviderLookup.load(VideoWriterProvider.class);
  }

  /**
   * A writer for {@code target} with default settings, chosen by its extension (see the class
   * comment).
   *
   * @throws InvalidInputException if no writer knows the extension; the message lists the known
   *     extensions
   */
  public static VideoWriter forPath(Path target) {
    VideoWriterProvider p = providerFor(target, providers());
    return p.create(ProviderConfig.empty("video writer " + p.name()));
  }

  /** A writer for {@code target} created with {@code config}. */
  public static VideoWriter forPath(Path target, ProviderConfig config) {
    Objects.requireNonNull(config, "config");
    return providerFor(target, providers()).create(config);
  }

  /** The provider that writes {@code target}, among {@code candidates}. */
  public static VideoWriterProvider providerFor(Path target, Iterable<? extends VideoWriterProvider> candidates) {
    return ProviderLookup.videoWriterFor(target, candidates);
  }

  /**
   * Checks {@code target} without writing anything, so that a caller can fail fast before a long
   * generation: a writer knows its extension, its folder exists and is writable, and it is not a
   * folder where a file is wanted or a file where a folder is wanted. The writer checks again
   * when it writes (and, for a folder, that it holds nothing but earlier output).
   *
   * @return the provider that will write {@code target}
   * @throws InvalidInputException naming what is wrong with the target
   */
  public static VideoWriterProvider checkTarget(Path target) {
    return checkTarget(target, providers());
  }

  /** {@link #checkTarget(Path)} among {@code candidates}. */
  public static VideoWriterProvider checkTarget(Path target, Iterable<? extends VideoWriterProvider> candidates) {
    VideoWriterProvider p = providerFor(target, candidates);
    OutputTargets.checkTarget(target, p.extensions().isEmpty());
    return p;
  }

  /**
   * The provider called {@code name}.
   *
   * @throws ConfigurationException if none is; the message lists the names that are present
   */
  public static VideoWriterProvider provider(String name) {
    return provider(name, providers());
  }

  /** The provider called {@code name} among {@code candidates}. */
  public static VideoWriterProvider provider(String name, Iterable<? extends VideoWriterProvider> candidates) {
    return ProviderLookup.byName(KIND, candidates, name);
  }

  /** Lower-case extension of a file name without the dot; "" for none (or a leading-dot name). */
  static String extension(String fileName) {
    return ProviderLookup.extension(fileName);
  }
}
