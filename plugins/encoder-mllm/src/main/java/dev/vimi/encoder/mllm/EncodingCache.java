package dev.vimi.encoder.mllm;

import dev.vimi.spi.Conditioning;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded least-recently-used map from prompt content keys to conditionings. Conditionings are
 * immutable, so a cached one is handed to every caller that asks for the same content. Thread-safe
 * (one monitor; the work under it is a map operation). A capacity of 0 disables caching.
 */
final class EncodingCache {
  private final int capacity;
  private final LinkedHashMap<String, Conditioning> map;
  private long hits;
  private long misses;

  EncodingCache(int capacity) {
    this.capacity = capacity;
    this.map =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Conditioning> eldest) {
            return size() > EncodingCache.this.capacity;
          }
        };
  }

  synchronized Conditioning get(String key) {
    Conditioning c = capacity == 0 ? null : map.get(key);
    if (c == null) {
      misses++;
    } else {
      hits++;
    }
    return c;
  }

  synchronized void put(String key, Conditioning value) {
    if (capacity > 0) {
      map.put(key, value);
    }
  }

  synchronized int size() {
    return map.size();
  }

  synchronized long hits() {
    return hits;
  }

  synchronized long misses() {
    return misses;
  }

  synchronized void clear() {
    map.clear();
  }
}
