package dev.vimi.spi;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Immutable string-keyed configuration handed to a provider's factory method.
 *
 * <p>The {@linkplain #owner() owner} (for example {@code "retriever lucene"}) appears in every error
 * message so that a user with several providers configured knows which section to fix. Typed getters
 * fail with a {@link ConfigurationException} that names the key, the value and what was expected.
 *
 * <p>It holds the operator's keys only; what the engine knows (the model bundle's folder, its files,
 * the manifest's settings for the provider) comes separately, in a {@link ProviderContext}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ProviderConfig {
  private final String owner;
  private final SortedMap<String, String> values;

  private ProviderConfig(String owner, Map<String, String> values) {
    this.owner = Objects.requireNonNull(owner, "owner");
    TreeMap<String, String> copy = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k == null || v == null) {
            throw new ConfigurationException(owner + ": configuration keys and values must not be null");
          }
          copy.put(k, v);
        });
    this.values = Collections.unmodifiableSortedMap(copy);
  }

  /** A configuration for {@code owner} holding a copy of {@code values}. */
  public static ProviderConfig of(String owner, Map<String, String> values) {
    return new ProviderConfig(owner, values);
  }

  /** An empty configuration for {@code owner}. */
  public static ProviderConfig empty(String owner) {
    return new ProviderConfig(owner, Map.of());
  }

  /** Who this configuration belongs to, as used in error messages. */
  public String owner() {
    return owner;
  }

  /** All keys, sorted. */
  public Set<String> keys() {
    return values.keySet();
  }

  /** All entries as an unmodifiable sorted map. */
  public SortedMap<String, String> asMap() {
    return values;
  }

  /** A copy of this configuration with one more (or a replaced) entry. */
  public ProviderConfig with(String key, String value) {
    TreeMap<String, String> copy = new TreeMap<>(values);
    copy.put(key, value);
    return new ProviderConfig(owner, copy);
  }

  /** A copy of this configuration with the entries of {@code more} added (they win on conflicts). */
  public ProviderConfig withAll(Map<String, String> more) {
    TreeMap<String, String> copy = new TreeMap<>(values);
    copy.putAll(more);
    return new ProviderConfig(owner, copy);
  }

  /** The entries under {@code prefix + "."}, with that prefix removed. */
  public ProviderConfig subset(String prefix) {
    String p = prefix.endsWith(".") ? prefix : prefix + ".";
    TreeMap<String, String> sub = new TreeMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(p)) {
            sub.put(k.substring(p.length()), v);
          }
        });
    return new ProviderConfig(owner, sub);
  }

  /**
   * Refuses keys that are not in {@code known}: a misspelt key would otherwise be ignored and its
   * setting silently not applied. The error says which key, the closest known one and all known
   * ones (see {@link ConfigKeys}).
   *
   * @return this configuration, for chaining
   * @throws ConfigurationException for the first unknown key in sorted order
   */
  public ProviderConfig requireKnownKeys(Collection<String> known) {
    ConfigKeys.requireKnown(owner, values.keySet(), known);
    return this;
  }

  /**
   * {@link #requireKnownKeys(Collection)}, leaving alone the keys that belong to someone else (for
   * example a pipeline configuration's provider sections, which their providers check). A provider
   * checking its own configuration needs no exemption: engine facts reach it in a {@link
   * ProviderContext}, never as keys.
   */
  public ProviderConfig requireKnownKeys(Collection<String> known, Predicate<String> ignored) {
    ConfigKeys.requireKnown(owner, values.keySet(), known, ignored);
    return this;
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  public boolean contains(String key) {
    return values.containsKey(key);
  }

  /** The value of a key that must be present; the error names the key and the owner. */
  public String require(String key) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigurationException(
          owner + ": missing configuration key '" + key + "'; set it (present keys: " + values.keySet() + ")");
    }
    return v;
  }

  public String getString(String key, String defaultValue) {
    return values.getOrDefault(key, defaultValue);
  }

  public int getInt(String key, int defaultValue) {
    String v = values.get(key);
    return v == null ? defaultValue : parseInt(key, v);
  }

  public int requireInt(String key) {
    return parseInt(key, require(key));
  }

  /** An int in {@code [min, max]}; the error states the range. */
  public int getInt(String key, int defaultValue, int min, int max) {
    int v = getInt(key, defaultValue);
    if (v < min || v > max) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' is " + v + " but must be in [" + min + ", " + max + "]");
    }
    return v;
  }

  public long getLong(String key, long defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' must be an integer but is '" + v + "'", e);
    }
  }

  public double getDouble(String key, double defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' must be a number but is '" + v + "'", e);
    }
    if (!Double.isFinite(d)) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' must be a finite number but is '" + v + "'");
    }
    return d;
  }

  public boolean getBoolean(String key, boolean defaultValue) {
    String v = values.get(key);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default ->
          throw new ConfigurationException(
              owner + ": configuration key '" + key + "' must be true or false but is '" + v + "'");
    };
  }

  public Optional<Path> getPath(String key) {
    return get(key).map(Path::of);
  }

  public Path requirePath(String key) {
    return Path.of(require(key));
  }

  private int parseInt(String key, String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          owner + ": configuration key '" + key + "' must be an integer but is '" + v + "'", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProviderConfig other && owner.equals(other.owner) && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(owner, values);
  }

  /** Lists keys only: values may be secrets and never appear in logs. */
  @Override
  public String toString() {
    return "ProviderConfig[" + owner + ", keys=" + values.keySet() + "]";
  }
}
