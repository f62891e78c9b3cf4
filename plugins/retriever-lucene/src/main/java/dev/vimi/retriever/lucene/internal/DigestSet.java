package dev.vimi.retriever.lucene.internal;

import java.io.IOException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * A set of 128-bit digests (of normalised captions), open addressing on the first half. Two captions
 * are taken as equal when their SHA-256 prefixes of 128 bits are equal: the chance that two different
 * captions of even a billion-pair memory share one is about 10^-21, so the set needs no second,
 * exact check and keeps no caption text. About 32 to 64 bytes per caption.
 *
 * <p>Not thread-safe: the writer calls it under its lock.
 */
final class DigestSet {
  // slot i holds (table[2i], table[2i + 1]) = (hi, lo); (0, 0) marks an empty slot, so the digest (0, 0)
  // itself is kept aside. One array: a probe touches one cache line instead of one per array.
  private long[] table;
  private boolean hasZero;
  private int size;

  DigestSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 29, expected * 2L)) - 1) << 1;
    table = new long[cap * 2];
  }

  /** Loads the digests stored as doc values {@code hiField}/{@code loField} of every document. */
  void load(IndexReader reader, String hiField, String loField) throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues h = DocValues.getNumeric(leaf.reader(), hiField);
      NumericDocValues l = DocValues.getNumeric(leaf.reader(), loField);
      for (int doc = h.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = h.nextDoc()) {
        if (l.advanceExact(doc)) {
          add(h.longValue(), l.longValue());
        }
      }
    }
  }

  boolean contains(long h, long l) {
    if (h == 0 && l == 0) {
      return hasZero;
    }
    long[] t = table;
    int mask = (t.length >>> 1) - 1;
    for (int i = slot(h, mask); ; i = (i + 1) & mask) {
      long th = t[2 * i];
      long tl = t[2 * i + 1];
      if (th == h && tl == l) {
        return true;
      }
      if (th == 0 && tl == 0) {
        return false;
      }
    }
  }

  /** Adds the digest; true if it was absent. */
  boolean add(long h, long l) {
    if (contains(h, l)) {
      return false;
    }
    if (h == 0 && l == 0) {
      hasZero = true;
    } else {
      if (size + 1 > table.length / 4) { // at most half the slots used
        grow();
      }
      put(table, h, l);
    }
    size++;
    return true;
  }

  int size() {
    return size;
  }

  private static void put(long[] t, long h, long l) {
    int mask = (t.length >>> 1) - 1;
    int i = slot(h, mask);
    while (t[2 * i] != 0 || t[2 * i + 1] != 0) {
      i = (i + 1) & mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = l;
  }

  private void grow() {
    long[] old = table;
    long[] t = new long[old.length * 2];
    for (int j = 0; j < old.length; j += 2) {
      if (old[j] != 0 || old[j + 1] != 0) {
        put(t, old[j], old[j + 1]);
      }
    }
    table = t;
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
