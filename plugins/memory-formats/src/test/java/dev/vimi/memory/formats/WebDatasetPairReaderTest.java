package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebDatasetPairReaderTest {
  @TempDir Path dir;

  private static TestTar shard(int first, int count) {
    TestTar t = new TestTar().directory("train/");
    for (int i = first; i < first + count; i++) {
      String key = String.format("train/%06d", i);
      if (i % 2 == 0) {
        t.add(key + ".jpg", TestImages.jpeg(i)).add(key + ".txt", "caption of sample " + i).add(key + ".cls", "3");
      } else {
        t.add(key + ".png", TestImages.png(i))
            .add(key + ".json", "{\"caption\":\"json caption " + i + "\",\"keywords\":[\"k" + i + "\"]}");
      }
    }
    return t;
  }

  private static List<ImageTextPair> readAll(PairReader r) {
    List<ImageTextPair> out = new ArrayList<>();
    while (r.hasNext()) {
      out.add(r.next());
    }
    return out;
  }

  @Test
  void readsSamplesAcrossShardsInOrder() throws IOException {
    Path shards = Files.createDirectories(dir.resolve("shards"));
    Files.write(shards.resolve("00000.tar"), shard(0, 4).finish());
    Files.write(shards.resolve("00001.tar"), shard(4, 3).finish());
    try (PairReader r = PairReaders.open(shards, ReadOptions.defaults())) {
      assertThat(r.format()).isEqualTo(MemoryFormat.WEBDATASET);
      List<ImageTextPair> pairs = readAll(r);
      assertThat(pairs).extracting(ImageTextPair::id)
          .containsExactly("train/000000", "train/000001", "train/000002", "train/000003", "train/000004", "train/000005", "train/000006");
      assertThat(pairs.get(0).caption()).isEqualTo("caption of sample 0");
      assertThat(pairs.get(0).image()).isEqualTo(ImageRef.ofBytes(TestImages.jpeg(0)));
      assertThat(pairs.get(1).caption()).isEqualTo("json caption 1");
      assertThat(pairs.get(1).keywords()).containsExactly("k1");
      assertThat(r.counts().read()).isEqualTo(7);
      assertThat(r.bytesRead()).isEqualTo(r.totalBytes());
    }
  }

  /** Shards written by GNU tar 1.34 ({@code --format=gnu} and {@code --format=pax}), committed as test data. */
  @Test
  void readsShardsWrittenByGnuTar() throws Exception {
    for (String name : new String[] {"gnu.tar", "pax.tar"}) {
      Path file = Path.of(getClass().getResource("/shards/" + name).toURI());
      try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
        List<ImageTextPair> pairs = readAll(r);
        assertThat(pairs).as(name).extracting(ImageTextPair::id)
            .containsExactly("shard/sample000", "shard/sample001", "shard/sample002");
        assertThat(pairs.get(1).caption()).isEqualTo("gnu tar sample 1");
        assertThat(pairs.get(1).keywords()).containsExactly("gnu", "tar");
        assertThat(pairs.get(2).image()).isInstanceOf(ImageRef.OfBytes.class);
      }
    }
  }

  @Test
  void longNamesAndJsonIdsAreHonoured() throws IOException {
    String longKey = "deep/" + "d".repeat(120) + "/sample";
    byte[] tar =
        new TestTar()
            .add(longKey + ".png", TestImages.png(9))
            .add(longKey + ".txt", "a long path")
            .add("x.jpg", TestImages.jpeg(1))
            .add("x.json", "{\"id\":\"given-id\"}")
            .add("x.txt", "caption from txt, keywords from json")
            .finish();
    Path file = dir.resolve("one.tar");
    Files.write(file, tar);
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      List<ImageTextPair> pairs = readAll(r);
      assertThat(pairs).extracting(ImageTextPair::id).containsExactly(longKey, "given-id");
      assertThat(pairs.get(1).caption()).isEqualTo("caption from txt, keywords from json");
    }
  }

  @Test
  void shardCutInsideAnEntryFailsClearly() throws IOException {
    byte[] full = shard(0, 6).finish();
    byte[] cut = Arrays.copyOf(full, full.length / 2 + 100);
    Path file = dir.resolve("cut.tar");
    Files.write(file, cut);
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThatThrownBy(() -> readAll(r))
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("truncated shard")
          .hasMessageContaining("the shard ends at byte")
          .satisfies(e -> assertThat(((MalformedRecordException) e).reason()).isEqualTo(SkipReason.TRUNCATED_SHARD));
    }
  }

  @Test
  void skipPolicyCountsTheCutAndGoesOnWithTheNextShard() throws IOException {
    Path shards = Files.createDirectories(dir.resolve("s"));
    byte[] full = shard(0, 6).finish();
    Files.write(shards.resolve("a.tar"), Arrays.copyOf(full, full.length / 2 + 100));
    Files.write(shards.resolve("b.tar"), shard(100, 2).finish());
    try (PairReader r = PairReaders.open(shards, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      List<String> ids = readAll(r).stream().map(ImageTextPair::id).toList();
      // every pair before the cut, none after it, then the whole next shard
      assertThat(ids).endsWith("train/000100", "train/000101");
      List<String> fromCut = ids.subList(0, ids.size() - 2);
      assertThat(fromCut).isNotEmpty().hasSizeLessThan(6);
      for (int i = 0; i < fromCut.size(); i++) {
        assertThat(fromCut.get(i)).isEqualTo(String.format("train/%06d", i));
      }
      assertThat(r.counts().skippedByReason()).containsEntry(SkipReason.TRUNCATED_SHARD, 1L);
    }
  }

  @Test
  void shardWithoutEndMarkerIsReportedAsCut() throws IOException {
    Path file = dir.resolve("nomarker.tar");
    Files.write(file, shard(0, 2).unfinished());
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThat(r.next().id()).isEqualTo("train/000000");
      assertThat(r.next().id()).isEqualTo("train/000001");
      assertThatThrownBy(r::hasNext)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("without the end-of-archive block");
    }
  }

  @Test
  void damagedHeaderIsCorruptNotSilentlySkipped() throws IOException {
    byte[] tar = shard(0, 2).finish();
    tar[512 + 3] ^= 0x55; // first file header's name, after the directory entry
    Path file = dir.resolve("damaged.tar");
    Files.write(file, tar);
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults())) {
      assertThatThrownBy(r::next)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("checksum")
          .satisfies(e -> assertThat(((MalformedRecordException) e).reason()).isEqualTo(SkipReason.CORRUPT_SHARD));
    }
  }

  @Test
  void samplesMissingAPartAreCounted() throws IOException {
    byte[] jpeg = TestImages.jpeg(5);
    byte[] tar =
        new TestTar()
            .add("a.jpg", TestImages.jpeg(1))
            .add("b.jpg", jpeg)
            .add("b.txt", "fine")
            .add("c.txt", "caption only")
            .add("d.jpg", Arrays.copyOf(jpeg, jpeg.length - 10))
            .add("d.txt", "truncated jpeg")
            .add("e.cls", "7")
            .finish();
    Path file = dir.resolve("parts.tar");
    Files.write(file, tar);
    try (PairReader r = PairReaders.open(file, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(readAll(r)).extracting(ImageTextPair::id).containsExactly("b");
      assertThat(r.counts().skippedByReason())
          .containsEntry(SkipReason.IMAGE_WITHOUT_CAPTION, 1L)
          .containsEntry(SkipReason.CAPTION_WITHOUT_IMAGE, 1L)
          .containsEntry(SkipReason.BAD_IMAGE, 1L);
    }
  }
}
