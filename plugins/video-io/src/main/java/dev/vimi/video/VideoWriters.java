package dev.vimi.video;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds {@link VideoWriterProvider}s through {@link ServiceLoader}, by name ({@code "mp4"}) or by
 * the target path: a path ending in {@code .mp4} or {@code .gif} goes to the writer that claims that
 * extension; a name without extension, or an existing folder whose extension no writer claims
 * ({@code run.2024}), goes to the folder writer ({@code "png"}, a folder of PNG frames).
 *
 * <p>When several providers answer, the highest {@linkplain VideoWriterProvider#priority() priority}
 * wins; two with the same priority are an error that names both classes and where they came from.
 * Lookups are not cached (no global state): each call asks the {@link ServiceLoader} of the
 * thread's context class loader afresh, or uses the providers it is given. Thread-safe.
 */
public final class VideoWriters {
  private VideoWriters() {}

  /** All video writer providers visible to the current thread's context class loader. */
  public static List<VideoWriterProvider> providers() {
    List<VideoWriterProvider> out = new ArrayList<>();
    ServiceLoader.load(VideoWriterProvider.class).forEach(out::add);
    return List.copyOf(out);
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
    Objects.requireNonNull(target, "target");
    Path name = target.getFileName();
    String nameExt = name == null ? "" : extension(name.toString());
    boolean claimed = !nameExt.isEmpty() && pick(candidates, q -> q.extensions().contains(nameExt), "." + nameExt) != null;
    // an existing folder with a dot in its name (run.2024) is a folder target
    String ext = !claimed && Files.isDirectory(target) ? "" : nameExt;
    if (ext.isEmpty()) {
      VideoWriterProvider folder = pick(candidates, p -> p.extensions().isEmpty(), "folder output");
      if (folder == null) {
        throw new InvalidInputException(
            "target", target + " is a folder path, but no folder writer is installed; " + knownTargets(candidates));
      }
      return folder;
    }
    VideoWriterProvider p = pick(candidates, q -> q.extensions().contains(ext), "." + ext);
    if (p == null) {
      String hint =
          switch (ext) {
            case "png", "jpg", "jpeg", "webp" ->
                " (a ." + ext + " file would hold one picture; for a contact sheet of all frames use ContactSheet)";
            default -> "";
          };
      throw new InvalidInputException(
          "target", "no video writer for '." + ext + "' files (" + target + ")" + hint + "; " + knownTargets(candidates));
    }
    return p;
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

  /** The provider called {@code name}; the error lists the names that are present. */
  public static VideoWriterProvider provider(String name) {
    return provider(name, providers());
  }

  /** The provider called {@code name} among {@code candidates}. */
  public static VideoWriterProvider provider(String name, Iterable<? extends VideoWriterProvider> candidates) {
    Objects.requireNonNull(name, "name");
    VideoWriterProvider p = pick(candidates, q -> q.name().equals(name), "name '" + name + "'");
    if (p == null) {
      TreeSet<String> names = new TreeSet<>();
      candidates.forEach(q -> names.add(q.name()));
      throw new ConfigurationException(
          "no video writer named '"
              + name
              + "'; add the jar that provides it to the class or module path (present: "
              + (names.isEmpty() ? "none" : String.join(", ", names))
              + ")");
    }
    return p;
  }

  /** Lower-case extension of a file name without the dot; "" for none (or a leading-dot name). */
  static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot <= 0 || dot == fileName.length() - 1 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static VideoWriterProvider pick(
      Iterable<? extends VideoWriterProvider> candidates, Predicate<VideoWriterProvider> test, String what) {
    VideoWriterProvider best = null;
    boolean tie = false;
    VideoWriterProvider tied = null;
    for (VideoWriterProvider p : candidates) {
      if (!test.test(p)) {
        continue;
      }
      if (best == null || p.priority() > best.priority()) {
        best = p;
        tie = false;
      } else if (p.priority() == best.priority()) {
        tie = true;
        tied = p;
      }
    }
    if (tie) {
      throw new ConfigurationException(
          "two video writers answer to "
              + what
              + " with the same priority "
              + best.priority()
              + ": "
              + origin(best)
              + " and "
              + origin(tied)
              + "; remove one of the jars or give one a higher priority");
    }
    return best;
  }

  private static String origin(VideoWriterProvider p) {
    CodeSource cs = p.getClass().getProtectionDomain().getCodeSource();
    String where = cs == null || cs.getLocation() == null ? "unknown location" : cs.getLocation().toString();
    return p.getClass().getName() + " (from " + where + ")";
  }

  private static String knownTargets(Iterable<? extends VideoWriterProvider> candidates) {
    TreeSet<String> exts = new TreeSet<>();
    TreeSet<String> folders = new TreeSet<>();
    for (VideoWriterProvider p : candidates) {
      p.extensions().forEach(e -> exts.add("." + e));
      if (p.extensions().isEmpty()) {
        folders.add(p.name() + ": " + p.description());
      }
    }
    StringBuilder sb = new StringBuilder("known extensions: ");
    sb.append(exts.isEmpty() ? "none" : String.join(", ", exts));
    if (!folders.isEmpty()) {
      sb.append("; or a folder path without extension (").append(String.join("; ", folders)).append(')');
    }
    return sb.toString();
  }
}
