package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsvPairReaderTest {
  @TempDir Path dir;

  @Test
  void readsHeaderTwoAndThreeColumns() throws IOException {
    Files.write(dir.resolve("x.png"), TestImages.png(4));
    Path file = dir.resolve("pairs.tsv");
    Files.writeString(file, "id\tcaption\timage\nq1\ta cat on a mat\r\nq2\ta dog\tx.png\nq3\tempty image column\t\n\n");
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      List<ImageTextPair> pairs = r.stream().toList();
      assertThat(pairs).extracting(ImageTextPair::id).containsExactly("q1", "q2", "q3");
      assertThat(pairs.get(0).caption()).isEqualTo("a cat on a mat");
      assertThat(pairs.get(1).image()).isEqualTo(ImageRef.of(dir.resolve("x.png").toAbsolutePath()));
      assertThat(pairs.get(2).image()).isNull();
    }
  }

  @Test
  void wrongColumnCountsAreNamedByLine() throws IOException {
    Path file = dir.resolve("bad.tsv");
    Files.writeString(file, "a\tok\nno tab here\nb\tc\td\te\nf\t \nz\tfine\n");
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThat(r.next().id()).isEqualTo("a");
      assertThatThrownBy(r::next).isInstanceOf(MalformedRecordException.class).hasMessageContaining("line 2").hasMessageContaining("no tab");
    }
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(r.stream().map(ImageTextPair::id).toList()).containsExactly("a", "z");
      assertThat(r.counts().skippedByReason())
          .containsEntry(SkipReason.MALFORMED_RECORD, 2L)
          .containsEntry(SkipReason.MISSING_CAPTION, 1L);
    }
  }
}
