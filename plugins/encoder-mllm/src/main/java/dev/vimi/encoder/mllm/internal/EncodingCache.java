package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.Conditioning;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used map from prompt content keys to conditionings. Conditionings are
 * immutable, so a cached one is handed to every caller that asks for the same content. Thread-safe
 * (one monitor; the work under it is a map operation). A capacity of 0 disables caching.
 */
public final class EncodingCache {
  private final int capacity;
  private final LinkedHashMap<String, Conditioning> map;
  private long hits;
  private long misses;

  /** @param capacity conditionings kept; 0 disables caching */
  public EncodingCache(int capacity) {
    this.capacity = capacity;
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Conditioning> eldest) {
            return size() > EncodingCache.this.capacity;
          }
        };
  }

  /** The cached conditioning for {@code key}, or null; counts a hit or a miss. */
  public synchronized Conditioning get(String key) {
    Conditioning c = capacity == 0 ? null : map.get(key);
    if (c == null) {
      misses++;
    } else {
      hits++;
    }
    return c;
  }

  /** Caches {@code value} under {@code key}, evicting the least recently used entry beyond the capacity. */
  public synchronized void put(String key, Conditioning value) {
    if (capacity > 0) {
      map.put(key, value);
    }
  }

  /** Number of cached conditionings. */
  public synchronized int size() {
    return map.size();
  }

  /** Number of lookups that found a conditioning. */
  public synchronized long hits() {
    return hits;
  }

  /** Number of lookups that found none. */
  public synchronized long misses() {
    return misses;
  }

  /** Drops every cached conditioning. */
  public synchronized void clear() {
    map.clear();
  }
}
