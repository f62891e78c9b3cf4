package dev.vimi.api;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.NamedProvider;
import dev.vimi.spi.ProviderLookup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The providers of one SPI, indexed by name. Built from the providers a {@link java.util.ServiceLoader}
 * found; names are validated ({@value #NAME_PATTERN}). When several providers answer to one name, the
 * one with the highest {@link NamedProvider#priority()} wins (logged); two with the same priority are
 * an error at lookup that names the jars both came from. The rule and its messages are {@link
 * ProviderLookup}'s, which the modules that cannot depend on vimi-api (plugins, the compat runner) use
 * directly.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <P> the provider interface
 */
public final class ProviderRegistry<P extends NamedProvider> {
  /** What a provider name must look like. */
  public static final String NAME_PATTERN = ProviderLookup.NAME_PATTERN;

  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

  private final String kind;
  private final Map<String, List<P>> byName;
  private final List<P> all;

  /**
   * @param kind the kind of provider for messages, e.g. {@code "denoiser"}
   * @param providers the providers found, in discovery order
   */
  public ProviderRegistry(String kind, Iterable<? extends P> providers) {
    this.kind = kind;
    Map<String, List<P>> map = new TreeMap<>();
    List<P> found = new ArrayList<>();
    for (P p : providers) {
      ProviderLookup.checkName(kind, p);
      map.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
      found.add(p);
    }
    map.replaceAll((k, v) -> List.copyOf(v));
    this.byName = Collections.unmodifiableMap(map);
    this.all = List.copyOf(found);
  }

  /** Every provider found, in discovery order (several may share a name). */
  List<P> all() {
    return all;
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
    P chosen = ProviderLookup.choose(kind, candidates, p -> true, "the name '" + name + "'").orElseThrow();
    LOG.info(
        "{} provider '{}': using {} (priority {}) over {} other(s)",
        kind, name, chosen.getClass().getName(), chosen.priority(), candidates.size() - 1);
    return chosen;
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

  /** Where a provider's class came from: its jar or class folder, its module, or "unknown location". */
  public static String source(Object provider) {
    return ProviderLookup.source(provider);
  }

  @Override
  public String toString() {
    return "ProviderRegistry[" + kind + ": " + names() + "]";
  }
}
