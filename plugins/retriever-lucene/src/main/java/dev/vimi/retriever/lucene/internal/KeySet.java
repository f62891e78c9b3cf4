package dev.vimi.retriever.lucene.internal;

import java.io.IOException;
import java.util.Arrays;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;

/**
 * The exact set of keys (ids, caption digests) of one indexed field, for de-duplication on ingest.
 *
 * <p>One open-addressing table holds a 64-bit hash per key. A key added since the last commit also
 * keeps its bytes (in one growing byte arena), so a hash match is confirmed by comparing bytes; a
 * key of the last commit keeps only its hash, and a match is confirmed against the terms of that
 * commit (one {@code seekExact} per segment). A new key therefore costs one hash and one probe, and
 * almost never touches the index. Memory: about 24 bytes per key plus the bytes of the keys added
 * since the last commit.
 *
 * <p>Not thread-safe: the writer calls it under its lock.
 */
final class KeySet {
  private static final int COMMITTED = -1;

  private final String field;
  private long[] hashes;
  private int[] refs; // COMMITTED, or the offset of the key in the arena
  private boolean[] used;
  private int size;
  private byte[] arena = new byte[1 << 12];
  private int arenaEnd;
  private IndexReader committed;

  KeySet(String field, int expected) {
    this.field = field;
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
    hashes = new long[cap];
    refs = new int[cap];
    used = new boolean[cap];
  }

  /** Loads every key of the field in {@code reader} (the last commit) and keeps it for confirmation. */
  void load(IndexReader reader) throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      Terms terms = leaf.reader().terms(field);
      if (terms == null) {
        continue;
      }
      TermsEnum te = terms.iterator();
      for (BytesRef t = te.next(); t != null; t = te.next()) {
        insert(hash(t), COMMITTED);
      }
    }
    committed = reader;
  }

  boolean contains(BytesRef key) throws IOException {
    long h = hash(key);
    int mask = hashes.length - 1;
    boolean committedMatch = false;
    for (int i = slot(h, mask); used[i]; i = (i + 1) & mask) {
      if (hashes[i] != h) {
        continue;
      }
      int ref = refs[i];
      if (ref == COMMITTED) {
        committedMatch = true;
      } else if (sameBytes(ref, key)) {
        return true;
      }
    }
    return committedMatch && inCommitted(key);
  }

  /** Records a key known to be absent. */
  void add(BytesRef key) {
    int off = arenaEnd;
    int need = off + 4 + key.length;
    if (need > arena.length) {
      arena = ArrayUtil.grow(arena, need);
    }
    arena[off] = (byte) (key.length >>> 24);
    arena[off + 1] = (byte) (key.length >>> 16);
    arena[off + 2] = (byte) (key.length >>> 8);
    arena[off + 3] = (byte) key.length;
    System.arraycopy(key.bytes, key.offset, arena, off + 4, key.length);
    arenaEnd = need;
    insert(hash(key), off);
  }

  /** After a commit: the keys added so far are now in {@code reader}; their bytes are dropped. */
  void committed(IndexReader reader) {
    committed = reader;
    for (int i = 0; i < refs.length; i++) {
      if (used[i]) {
        refs[i] = COMMITTED;
      }
    }
    arenaEnd = 0;
    if (arena.length > 1 << 20) {
      arena = new byte[1 << 12];
    }
  }

  int size() {
    return size;
  }

  private void insert(long h, int ref) {
    if (size + 1 > hashes.length / 2) {
      grow();
    }
    int mask = hashes.length - 1;
    int i = slot(h, mask);
    while (used[i]) {
      i = (i + 1) & mask;
    }
    used[i] = true;
    hashes[i] = h;
    refs[i] = ref;
    size++;
  }

  private void grow() {
    long[] oh = hashes;
    int[] or = refs;
    boolean[] ou = used;
    int cap = oh.length * 2;
    hashes = new long[cap];
    refs = new int[cap];
    used = new boolean[cap];
    int mask = cap - 1;
    for (int j = 0; j < oh.length; j++) {
      if (ou[j]) {
        int i = slot(oh[j], mask);
        while (used[i]) {
          i = (i + 1) & mask;
        }
        used[i] = true;
        hashes[i] = oh[j];
        refs[i] = or[j];
      }
    }
  }

  private boolean sameBytes(int off, BytesRef key) {
    int len = (arena[off] & 0xff) << 24 | (arena[off + 1] & 0xff) << 16 | (arena[off + 2] & 0xff) << 8 | (arena[off + 3] & 0xff);
    return len == key.length
        && Arrays.equals(arena, off + 4, off + 4 + len, key.bytes, key.offset, key.offset + key.length);
  }

  private boolean inCommitted(BytesRef key) throws IOException {
    if (committed == null) {
      return false;
    }
    for (LeafReaderContext leaf : committed.leaves()) {
      Terms terms = leaf.reader().terms(field);
      if (terms != null && terms.iterator().seekExact(key)) {
        return true;
      }
    }
    return false;
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** 64-bit FNV-1a with a final avalanche (splitmix64's finaliser). */
  static long hash(BytesRef b) {
    long h = 0xcbf29ce484222325L;
    for (int i = b.offset, end = b.offset + b.length; i < end; i++) {
      h ^= b.bytes[i] & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    h ^= h >>> 31;
    return h;
  }
}
