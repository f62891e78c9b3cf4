package dev.vimi.spi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How vimi finds providers and chooses among them: the rule behind {@code dev.vimi.api.ProviderRegistry}
 * (what integrators use, through {@code Plugins}), kept here so that the modules that must not depend on
 * vimi-api (plugins such as vimi-video-io, and the compat runner) use the same rule and say the same
 * things when it fails. Providers are found with {@link ServiceLoader}; among several that answer, the
 * highest {@linkplain NamedProvider#priority() priority} wins, and two at the top with the same priority
 * are an error that names both classes and the jars they came from.
 *
 * <p>Stateless and thread-safe; nothing is cached (no global state), each {@code load} asks the
 * service loader afresh.
 */
public final class ProviderLookup {
  /** What a provider name must look like. */
  public static final String NAME_PATTERN = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

  private ProviderLookup() {}

  /**
   * The providers of {@code type} on the module path of the boot layer and on the class path (through
   * the current thread's context class loader), in discovery order.
   */
  public static <P extends NamedProvider> List<P> load(Class<P> type) {
    return collect(ServiceLoader.load(type));
  }

  /** The providers of {@code type} visible through {@code loader}, in discovery order. */
  public static <P extends NamedProvider> List<P> load(Class<P> type, ClassLoader loader) {
    return collect(ServiceLoader.load(type, Objects.requireNonNull(loader, "loader")));
  }

  /** The providers of {@code type} in {@code layer} and its parents, in discovery order. */
  public static <P extends NamedProvider> List<P> load(Class<P> type, ModuleLayer layer) {
    return collect(ServiceLoader.load(Objects.requireNonNull(layer, "layer"), type));
  }

  private static <P> List<P> collect(ServiceLoader<P> sl) {
    List<P> out = new ArrayList<>();
    sl.forEach(out::add);
    return List.copyOf(out);
  }

  /**
   * Refuses a provider whose name breaks {@link #NAME_PATTERN}.
   *
   * @param kind the kind of provider for messages, e.g. {@code "denoiser"}
   * @throws ConfigurationException naming the provider's class, its jar and the rule
   */
  public static void checkName(String kind, NamedProvider p) {
    String name = p.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new ConfigurationException(
          "The " + kind + " provider " + p.getClass().getName() + " from " + source(p) + " has the invalid name '"
              + name + "'; names must match " + NAME_PATTERN + " (lower-case ASCII letters and digits, single dashes)");
    }
  }

  /**
   * Among the {@code candidates} that pass {@code test}, the one with the highest priority.
   *
   * @param kind the kind of provider for messages, e.g. {@code "video writer"}
   * @param what what the providers answer to, for messages: {@code the name 'mp4'}, {@code '.mp4' files}
   * @return empty if no candidate passes
   * @throws ConfigurationException if several share the highest priority; the message lists each with
   *     the jar it came from
   */
  public static <P extends NamedProvider> Optional<P> choose(
      String kind, Iterable<? extends P> candidates, Predicate<? super P> test, String what) {
    P best = null;
    List<P> tied = new ArrayList<>();
    for (P p : candidates) {
      if (!test.test(p)) {
        continue;
      }
      if (best == null || p.priority() > best.priority()) {
        best = p;
        tied.clear();
      } else if (p.priority() == best.priority()) {
        tied.add(p);
      }
    }
    if (!tied.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      tied.add(0, best);
      for (P p : tied) {
        sb.append("\n  ").append(p.getClass().getName()).append(" from ").append(source(p));
      }
      throw new ConfigurationException(
          "Several " + kind + " providers answer to " + what + " with the same priority " + best.priority() + ":" + sb
              + "\nRemove one of these jars, or give one a higher priority().");
    }
    return Optional.ofNullable(best);
  }

  /**
   * The provider called {@code name} among {@code candidates} (the highest priority one if several are).
   *
   * @throws ConfigurationException if none is, with {@link #notFoundMessage}, or if several tie
   */
  public static <P extends NamedProvider> P byName(String kind, Iterable<? extends P> candidates, String name) {
    Objects.requireNonNull(name, "name");
    return choose(kind, candidates, p -> name.equals(p.name()), "the name '" + name + "'")
        .orElseThrow(
            () -> {
              TreeSet<String> present = new TreeSet<>();
              candidates.forEach(p -> present.add(String.valueOf(p.name())));
              return new ConfigurationException(notFoundMessage(kind, name, present));
            });
  }

  /** What a user reads when no {@code kind} provider is called {@code requested}. */
  public static String notFoundMessage(String kind, String requested, Collection<String> available) {
    return "No " + kind + " provider named '" + requested + "'. Available: " + List.copyOf(available) + ". If the "
        + "provider you want is not listed, add its jar to the module path (or class path); if it is listed under "
        + "another name, use that name.";
  }

  /** Where a provider's class came from: its jar or class folder, its module, or "unknown location". */
  public static String source(Object provider) {
    var cs = provider.getClass().getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      Module m = provider.getClass().getModule();
      return m.isNamed() ? "module " + m.getName() : "unknown location";
    }
    try {
      return Path.of(cs.getLocation().toURI()).toString();
    } catch (Exception e) {
      return cs.getLocation().toString();
    }
  }

  /**
   * The writer for {@code target} among {@code candidates}, chosen by the target's extension: a path
   * ending in {@code .mp4} or {@code .gif} goes to the writer that claims that extension; a name without
   * extension, or an existing folder whose extension no writer claims ({@code run.2024}), goes to a
   * folder writer (one whose {@link VideoWriterProvider#extensions()} is empty).
   *
   * @throws InvalidInputException if no writer takes the target; the message lists the known extensions
   * @throws ConfigurationException if several writers tie for it
   */
  public static VideoWriterProvider videoWriterFor(Path target, Iterable<? extends VideoWriterProvider> candidates) {
    Objects.requireNonNull(target, "target");
    Path name = target.getFileName();
    String nameExt = name == null ? "" : extension(name.toString());
    boolean claimed =
        !nameExt.isEmpty()
            && choose("video writer", candidates, q -> q.extensions().contains(nameExt), "'." + nameExt + "' files")
                .isPresent();
    // an existing folder with a dot in its name (run.2024) is a folder target
    String ext = !claimed && Files.isDirectory(target) ? "" : nameExt;
    if (ext.isEmpty()) {
      return choose("video writer", candidates, p -> p.extensions().isEmpty(), "folder output")
          .orElseThrow(
              () ->
                  new InvalidInputException(
                      "target",
                      target + " is a folder path, but no folder writer is installed; " + knownTargets(candidates)));
    }
    return choose("video writer", candidates, q -> q.extensions().contains(ext), "'." + ext + "' files")
        .orElseThrow(
            () -> {
              String hint =
                  switch (ext) {
                    case "png", "jpg", "jpeg", "webp" ->
                        " (a ." + ext + " file would hold one picture; for a contact sheet of all frames use "
                            + "vimi-video-io's ContactSheet)";
                    default -> "";
                  };
              return new InvalidInputException(
                  "target",
                  "no video writer for '." + ext + "' files (" + target + ")" + hint + "; " + knownTargets(candidates));
            });
  }

  /** Lower-case extension of a file name without the dot; "" for none (or a leading-dot name). */
  public static String extension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot <= 0 || dot == fileName.length() - 1 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
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
