package dev.vimi.retriever.lucene;

/**
 * An open-addressing set of 64-bit keys (linear probing), about 16 bytes per key at the maximum
 * load. Not thread-safe. {@code 0} is stored out of band.
 */
final class LongHashSet {
  private long[] table;
  private int size;
  private boolean hasZero;

  LongHashSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
    table = new long[cap];
  }

  /** Adds the key; true if it was absent. */
  boolean add(long key) {
    if (key == 0) {
      boolean was = hasZero;
      hasZero = true;
      return !was;
    }
    if (size + 1 > table.length / 2) {
      grow();
    }
    return insert(table, key);
  }

  boolean contains(long key) {
    if (key == 0) {
      return hasZero;
    }
    int mask = table.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long v = table[i];
      if (v == 0) {
        return false;
      }
      if (v == key) {
        return true;
      }
    }
  }

  int size() {
    return size + (hasZero ? 1 : 0);
  }

  private boolean insert(long[] t, long key) {
    int mask = t.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long v = t[i];
      if (v == 0) {
        t[i] = key;
        if (t == table) {
          size++;
        }
        return true;
      }
      if (v == key) {
        return false;
      }
    }
  }

  private void grow() {
    long[] old = table;
    long[] t = new long[old.length * 2];
    table = t;
    size = 0;
    for (long v : old) {
      if (v != 0) {
        insert(t, v);
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
