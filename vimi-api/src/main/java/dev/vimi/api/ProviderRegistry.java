package dev.vimi.api;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.NamedProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one SPI, indexed by name. Built from the providers a {@link java.util.ServiceLoader}
 * found; names are validated ({@value #NAME_PATTERN}). When several providers answer to one name, the
 * one with the highest {@link NamedProvider#priority()} wins (logged); two with the same priority are
 * an error at lookup that names the jars both came from.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends NamedProvider> {
  /** What a provider name must look like. */
  public static final String NAME_PATTERN = "[a-z][a-z0-9]*(-[a-z0-9]+)*";

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final String kind;
  private final Map<String, List<P>> byName;

  /**
   * @param kind the kind of provider for messages, e.g. {@code "denoiser"}
   * @param providers the providers found, in discovery order
   */
  public ProviderRegistry(String kind, Iterable<? extends P> providers) {
    this.kind = kind;
    Map<String, List<P>> map = new TreeMap<>();
    for (P p : providers) {
      String name = p.name();
      if (name == null || !NAME.matcher(name).matches()) {
        throw new ConfigurationException(
            "The " + kind + " provider " + p.getClass().getName() + " from " + source(p) + " has the invalid name '"
                + name + "'; names must match " + NAME_PATTERN + " (lower-case ASCII letters and digits, single dashes)");
      }
      map.computeIfAbsent(name, k -> new ArrayList<>()).add(p);
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    this.byName = Collections.unmodifiableMap(map);
  }

  /** The kind of provider, e.g. {@code "retriever"}. */
  public String kind() {
    return kind;
  }

  /** The names present, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /**
   * The provider for {@code name}.
   *
   * @throws ProviderNotFoundException if no provider has that name; the message lists those present
   * @throws ConfigurationException if two providers of equal priority have that name
   */
  public P get(String name) {
    List<P> candidates = byName.get(name);
    if (candidates == null) {
      throw new ProviderNotFoundException(kind, name, names());
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    List<P> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingInt((P p) -> p.priority()).reversed());
    if (sorted.get(0).priority() == sorted.get(1).priority()) {
      StringBuilder sb = new StringBuilder();
      for (P p : sorted) {
        if (p.priority() == sorted.get(0).priority()) {
          sb.append("\n  ").append(p.getClass().getName()).append(" from ").append(source(p));
        }
      }
      throw new ConfigurationException(
          "Several " + kind + " providers answer to the name '" + name + "' with the same priority "
              + sorted.get(0).priority() + ":" + sb + "\nRemove one of these jars, or give one a higher priority().");
    }
    LOG.info(
        "{} provider '{}': using {} (priority {}) over {} other(s)",
        kind, name, sorted.get(0).getClass().getName(), sorted.get(0).priority(), sorted.size() - 1);
    return sorted.get(0);
  }

  /**
   * The provider a deployment gets when its configuration names none: the one with the highest
   * {@link NamedProvider#priority()} among all present. Reference providers for tests declare
   * negative priorities, so a real backend on the path wins over them; swapping the jar swaps the
   * provider.
   *
   * @throws ConfigurationException if there is none, or if several share the highest priority (listing them)
   */
  public P preferred() {
    if (byName.isEmpty()) {
      throw new ConfigurationException(
          "No " + kind + " provider is present; add a " + kind + " plugin jar to the module path (or class path)");
    }
    List<P> all = new ArrayList<>();
    byName.values().forEach(all::addAll);
    int top = all.stream().mapToInt(NamedProvider::priority).max().orElseThrow();
    List<P> best = all.stream().filter(p -> p.priority() == top).toList();
    if (best.size() > 1) {
      StringBuilder sb = new StringBuilder();
      for (P p : best) {
        sb.append("\n  '").append(p.name()).append("' ").append(p.getClass().getName()).append(" from ").append(source(p));
      }
      throw new ConfigurationException(
          "Several " + kind + " providers are present with the same priority " + top + ":" + sb
              + "\nName the one to use in the configuration (e.g. " + kind.replace(' ', '-') + "=" + best.get(0).name() + ").");
    }
    P chosen = best.get(0);
    LOG.info("no {} named in the configuration: using '{}' (priority {}) from {}", kind, chosen.name(), top, source(chosen));
    return chosen;
  }

  /** Where a provider's class came from: its jar or class folder, or "unknown location". */
  public static String source(Object provider) {
    var cs = provider.getClass().getProtectionDomain().getCodeSource();
    if (cs == null || cs.getLocation() == null) {
      return provider.getClass().getModule().isNamed() ? "module " + provider.getClass().getModule().getName() : "unknown location";
    }
    try {
      return Path.of(cs.getLocation().toURI()).toString();
    } catch (Exception e) {
      return cs.getLocation().toString();
    }
  }

  @Override
  public String toString() {
    return "ProviderRegistry[" + kind + ": " + names() + "]";
  }
}
