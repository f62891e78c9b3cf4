package dev.vimi.retriever.lucene;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.BytesRef;

/**
 * The exact set of keys (ids, caption digests) of one indexed field, for de-duplication on ingest.
 *
 * <p>A set of 64-bit hashes of every key answers "certainly new" for almost every new key without
 * touching the index. A hash hit is confirmed exactly: against the keys added since the last commit
 * (held in memory) and against the terms of the last commit (one {@code seekExact} per segment).
 * Memory use: about 16 bytes per key plus the keys added since the last commit.
 *
 * <p>Not thread-safe: the writer calls it under its lock.
 */
final class KeySet {
  private final String field;
  private final LongHashSet hashes;
  private final Set<BytesRef> sinceCommit = new HashSet<>();
  private IndexReader committed;

  KeySet(String field, int expected) {
    this.field = field;
    this.hashes = new LongHashSet(expected);
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
        hashes.add(hash(t));
      }
    }
    committed = reader;
  }

  boolean contains(BytesRef key) throws IOException {
    if (!hashes.contains(hash(key))) {
      return false;
    }
    return sinceCommit.contains(key) || inCommitted(key);
  }

  /** Records a key known to be absent. */
  void add(BytesRef key) {
    hashes.add(hash(key));
    sinceCommit.add(BytesRef.deepCopyOf(key));
  }

  /** After a commit: the keys added so far are now in {@code reader}. */
  void committed(IndexReader reader) {
    committed = reader;
    sinceCommit.clear();
  }

  int size() {
    return hashes.size();
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
