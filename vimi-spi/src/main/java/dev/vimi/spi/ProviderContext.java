package dev.vimi.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the engine tells a provider besides the operator's keys: the model bundle the provider works
 * for, a resolver of the bundle's files, and the bundle manifest's section for this provider (for an
 * encoder, the manifest's {@code encoder.settings}). Kept apart from the operator's {@link
 * ProviderConfig} so that no key of the configuration is reserved: a provider checks its own keys
 * against what it reads and refuses the rest (see {@link ConfigKeys}), and reads engine facts here.
 *
 * <p>A provider created outside a pipeline (a test, a tool, a host that builds it by hand) gets {@link
 * #none()} or what the caller builds with {@link #ofBundle(Path, Map)}.
 *
 * <p>Immutable and thread-safe when its resolver is (those of {@link #none()} and {@link #ofBundle} are).
 * The context owns nothing the provider must close.
 *
 * @param modelDir the model bundle's folder, empty when the provider was not created for a bundle
 * @param resources resolves a file name of the bundle (as its manifest writes it) to a path
 * @param section the bundle manifest's settings for this provider, as strings; empty when the manifest
 *     has none for it (a bundle made for another provider of the same kind gives this one nothing)
 */
public record ProviderContext(Optional<Path> modelDir, Resources resources, Map<String, String> section) {

  /**
   * Finds the files a model bundle names. Implementations are thread-safe.
   */
  @FunctionalInterface
  public interface Resources {
    /**
     * The path of {@code name}: an absolute name as it is, a relative one resolved against the bundle
     * (against the working directory when there is no bundle). Whether the file exists is for the
     * caller to check, so that its error can name its own key.
     */
    Path resolve(String name);
  }

  private static final ProviderContext NONE = new ProviderContext(Optional.empty(), Path::of, Map.of());

  public ProviderContext {
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(section, "section");
    section.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new ConfigurationException("a model bundle section's keys and values must not be null");
          }
        });
    section = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(section));
  }

  /** No bundle: no folder, an empty section, relative names taken from the working directory. */
  public static ProviderContext none() {
    return NONE;
  }

  /**
   * The context of a provider working for the bundle in {@code modelDir}, whose manifest gives it
   * {@code section}.
   */
  public static ProviderContext ofBundle(Path modelDir, Map<String, String> section) {
    Path dir = Objects.requireNonNull(modelDir, "modelDir");
    return new ProviderContext(Optional.of(dir), name -> dir.resolve(name), section);
  }

  /** {@link #ofBundle(Path, Map)} with {@code modelDir} possibly null (a model described in code). */
  public static ProviderContext of(Path modelDir, Map<String, String> section) {
    return modelDir == null ? new ProviderContext(Optional.empty(), Path::of, section) : ofBundle(modelDir, section);
  }

  /** This context with {@code section} instead of its own. */
  public ProviderContext withSection(Map<String, String> section) {
    return new ProviderContext(modelDir, resources, section);
  }

  /**
   * The section as a configuration owned by {@code owner} and the bundle, for the typed getters and
   * {@link ProviderConfig#requireKnownKeys}: its owner reads {@code "<owner> (model bundle <dir>)"} so
   * that an error says to fix the manifest, not the operator's settings.
   */
  public ProviderConfig sectionConfig(String owner) {
    return ProviderConfig.of(
        owner + " (model bundle" + modelDir.map(d -> " " + d).orElse("") + ", its manifest's section for this provider)",
        section);
  }

  /** Lists section keys only: values may be secrets. */
  @Override
  public String toString() {
    return "ProviderContext[modelDir=" + modelDir.map(Path::toString).orElse("none") + ", section keys=" + section.keySet() + "]";
  }
}
