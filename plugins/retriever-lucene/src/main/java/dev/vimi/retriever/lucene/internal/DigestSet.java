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
 * exact check and keeps no caption text. About 32 bytes per caption.
 *
 * <p>Not thread-safe: the writer calls it under its lock.
 */
final class DigestSet {
  private long[] hi;
  private long[] lo;
  private boolean[] used;
  private int size;

  DigestSet(int expected) {
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
    hi = new long[cap];
    lo = new long[cap];
    used = new boolean[cap];
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
    int mask = hi.length - 1;
    for (int i = slot(h, mask); used[i]; i = (i + 1) & mask) {
      if (hi[i] == h && lo[i] == l) {
        return true;
      }
    }
    return false;
  }

  /** Adds the digest; true if it was absent. */
  boolean add(long h, long l) {
    if (contains(h, l)) {
      return false;
    }
    if (size + 1 > hi.length / 2) {
      grow();
    }
    put(h, l);
    size++;
    return true;
  }

  int size() {
    return size;
  }

  private void put(long h, long l) {
    int mask = hi.length - 1;
    int i = slot(h, mask);
    while (used[i]) {
      i = (i + 1) & mask;
    }
    used[i] = true;
    hi[i] = h;
    lo[i] = l;
  }

  private void grow() {
    long[] oh = hi;
    long[] ol = lo;
    boolean[] ou = used;
    hi = new long[oh.length * 2];
    lo = new long[oh.length * 2];
    used = new boolean[oh.length * 2];
    for (int j = 0; j < oh.length; j++) {
      if (ou[j]) {
        put(oh[j], ol[j]);
      }
    }
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
