package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/** The exact id set: keys of the last commit (confirmed in the index) and keys added since (confirmed by bytes). */
class KeySetTest {

  @Test
  void answersExactlyForCommittedAndNewKeysThroughGrowthAndCommits() throws Exception {
    Random rnd = new Random(7);
    Set<String> truth = new HashSet<>();
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      for (int i = 0; i < 3_000; i++) {
        String id = "c" + rnd.nextInt(1_000_000);
        if (truth.add(id)) {
          Document d = new Document();
          d.add(new StringField("id", id, Field.Store.NO));
          w.addDocument(d);
        }
      }
      w.commit();
      KeySet keys = new KeySet("id", 16); // starts tiny: must grow
      DirectoryReader r1 = DirectoryReader.open(dir);
      keys.load(r1);
      assertThat(keys.size()).isEqualTo(truth.size());
      for (String id : truth) {
        assertThat(keys.contains(new BytesRef(id))).as(id).isTrue();
      }
      // new keys, not yet in any commit: held as bytes
      Set<String> fresh = new HashSet<>();
      for (int i = 0; i < 5_000; i++) {
        String id = "n" + i;
        assertThat(keys.contains(new BytesRef(id))).isFalse();
        keys.add(new BytesRef(id));
        fresh.add(id);
        Document d = new Document();
        d.add(new StringField("id", id, Field.Store.NO));
        w.addDocument(d);
      }
      for (String id : fresh) {
        assertThat(keys.contains(new BytesRef(id))).as(id).isTrue();
      }
      // after a commit their bytes are dropped and the index confirms them
      w.commit();
      DirectoryReader r2 = DirectoryReader.openIfChanged(r1);
      keys.committed(r2);
      for (String id : fresh) {
        assertThat(keys.contains(new BytesRef(id))).as(id).isTrue();
      }
      for (int i = 0; i < 2_000; i++) {
        assertThat(keys.contains(new BytesRef("absent-" + i))).isFalse();
      }
      r1.close();
      r2.close();
    }
  }

  @Test
  void keysOfEveryCommitStayFoundAfterLaterKeysReuseTheArena() throws Exception {
    try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig())) {
      KeySet keys = new KeySet("id", 16); // grows several times between commits
      DirectoryReader reader = null;
      int n = 0;
      for (int batch = 0; batch < 6; batch++) {
        for (int i = 0; i < 700 * (batch + 1); i++, n++) {
          BytesRef id = new BytesRef("k" + n);
          assertThat(keys.contains(id)).isFalse();
          keys.add(id);
          Document d = new Document();
          d.add(new StringField("id", id, Field.Store.NO));
          w.addDocument(d);
        }
        w.commit();
        DirectoryReader newer = reader == null ? DirectoryReader.open(dir) : DirectoryReader.openIfChanged(reader);
        if (reader != null) {
          reader.close();
        }
        reader = newer;
        keys.committed(reader);
      }
      // keys of the earlier batches must have been marked committed: the arena their bytes were in was reused
      for (int i = 0; i < n; i++) {
        assertThat(keys.contains(new BytesRef("k" + i))).as("k" + i).isTrue();
      }
      assertThat(keys.size()).isEqualTo(n);
      reader.close();
    }
  }

  @Test
  void hashSpreadsShortSimilarKeys() {
    Set<Long> hashes = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      hashes.add(KeySet.hash(new BytesRef(String.format("c%07d", i))));
    }
    assertThat(hashes).hasSize(100_000);
  }
}
