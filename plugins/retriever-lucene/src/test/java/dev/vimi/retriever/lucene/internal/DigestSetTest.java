package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The caption digest set: exact on both halves, through growth, including digests with zero halves. */
class DigestSetTest {

  @Test
  void holdsExactlyWhatWasAddedThroughGrowth() {
    DigestSet set = new DigestSet(4); // starts tiny: must grow many times
    Set<List<Long>> truth = new HashSet<>();
    Random r = new Random(11);
    long[][] edge = {{0, 0}, {0, 1}, {1, 0}, {0, -1}, {-1, 0}, {-1, -1}};
    for (long[] e : edge) {
      assertThat(set.contains(e[0], e[1])).isFalse();
      assertThat(set.add(e[0], e[1])).isTrue();
      truth.add(List.of(e[0], e[1]));
    }
    for (int i = 0; i < 50_000; i++) {
      long h = r.nextInt(4) == 0 ? r.nextInt(64) : r.nextLong(); // also many equal first halves
      long l = r.nextLong();
      assertThat(set.add(h, l)).isEqualTo(truth.add(List.of(h, l)));
    }
    assertThat(set.size()).isEqualTo(truth.size());
    for (List<Long> d : truth) {
      assertThat(set.contains(d.get(0), d.get(1))).isTrue();
      assertThat(set.add(d.get(0), d.get(1))).as("a second add").isFalse();
    }
    for (int i = 0; i < 50_000; i++) {
      long h = r.nextInt(4) == 0 ? r.nextInt(64) : r.nextLong();
      long l = r.nextLong();
      assertThat(set.contains(h, l)).isEqualTo(truth.contains(List.of(h, l)));
    }
  }
}
