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
  private long[] hashes; // 0 marks an empty slot (hash() is never 0)
  private int[] refs; // COMMITTED, or the offset of the key in the arena
  private int size;
  private byte[] arena = new byte[1 << 12];
  private int arenaEnd;
  private int[] pending = new int[64]; // the slots of the keys added since the last commit
  private int pendingCount;
  private IndexReader committed;

  KeySet(String field, int expected) {
    this.field = field;
    int cap = Integer.highestOneBit(Math.max(16, (int) Math.min(1 << 30, expected * 2L)) - 1) << 1;
    hashes = new long[cap];
    refs = new int[cap];
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
    for (int i = slot(h, mask); hashes[i] != 0; i = (i + 1) & mask) {
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
    int slot = insert(hash(key), off);
    if (slot >= 0) {
      pending = ArrayUtil.grow(pending, pendingCount + 1);
      pending[pendingCount++] = slot;
    }
  }

  /** After a commit: the keys added so far are now in {@code reader}; their bytes are dropped. */
  void committed(IndexReader reader) {
    committed = reader;
    for (int i = 0; i < pendingCount; i++) {
      refs[pending[i]] = COMMITTED;
    }
    pendingCount = 0;
    arenaEnd = 0;
    if (arena.length > 1 << 20) {
      arena = new byte[1 << 12];
    }
  }

  int size() {
    return size;
  }

  /** Inserts and returns the slot, or -1 when the table grew (which records the pending slots anew). */
  private int insert(long h, int ref) {
    boolean grew = false;
    if (size + 1 > hashes.length / 2) {
      grow();
      grew = true;
    }
    int mask = hashes.length - 1;
    int i = slot(h, mask);
    while (hashes[i] != 0) {
      i = (i + 1) & mask;
    }
    hashes[i] = h;
    refs[i] = ref;
    size++;
    if (grew) {
      pendingCount = 0;
      for (int j = 0; j < refs.length; j++) {
        if (hashes[j] != 0 && refs[j] != COMMITTED) {
          pending = ArrayUtil.grow(pending, pendingCount + 1);
          pending[pendingCount++] = j;
        }
      }
      return -1;
    }
    return i;
  }

  private void grow() {
    long[] oh = hashes;
    int[] or = refs;
    int cap = oh.length * 2;
    hashes = new long[cap];
    refs = new int[cap];
    int mask = cap - 1;
    for (int j = 0; j < oh.length; j++) {
      if (oh[j] != 0) {
        int i = slot(oh[j], mask);
        while (hashes[i] != 0) {
          i = (i + 1) & mask;
        }
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

  /** 64-bit FNV-1a with a final avalanche (splitmix64's finaliser); never 0 (the empty slot's mark). */
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
    return h == 0 ? 1 : h;
  }
}
