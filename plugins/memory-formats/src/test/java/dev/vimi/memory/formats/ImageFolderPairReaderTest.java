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

class ImageFolderPairReaderTest {
  @TempDir Path dir;

  @Test
  void pairsImagesWithTxtAndJsonSidecarsInSortedOrder() throws IOException {
    Files.createDirectories(dir.resolve("animals/dogs"));
    Files.write(dir.resolve("b.png"), TestImages.png(1));
    Files.writeString(dir.resolve("b.txt"), "  a blue square\n");
    Files.write(dir.resolve("a.jpg"), TestImages.jpeg(2));
    Files.writeString(dir.resolve("a.json"), "{\"caption\":\"an abstract pattern\",\"keywords\":[\"pattern\"]}");
    Files.write(dir.resolve("animals/dogs/rex.png"), TestImages.png(3));
    Files.writeString(dir.resolve("animals/dogs/rex.txt"), "dog surfing a wave");
    Files.write(dir.resolve("animals/cat.PNG"), TestImages.png(4));
    Files.writeString(dir.resolve("animals/cat.json"), "{\"id\":\"custom-cat\",\"text\":\"a cat\"}");
    Files.writeString(dir.resolve(".hidden.txt"), "ignored");
    Files.writeString(dir.resolve("notes.md"), "ignored too");

    try (PairReader r = PairReaders.open(dir, ReadOptions.defaults())) {
      assertThat(r.format()).isEqualTo(MemoryFormat.IMAGE_FOLDER);
      List<ImageTextPair> pairs = r.stream().toList();
      assertThat(pairs).extracting(ImageTextPair::id).containsExactly("a", "b", "custom-cat", "animals/dogs/rex");
      assertThat(pairs.get(0).caption()).isEqualTo("an abstract pattern");
      assertThat(pairs.get(0).keywords()).containsExactly("pattern");
      assertThat(pairs.get(1).caption()).isEqualTo("a blue square");
      assertThat(pairs.get(3).caption()).isEqualTo("dog surfing a wave");
      assertThat(pairs.get(3).image()).isEqualTo(ImageRef.of(dir.resolve("animals/dogs/rex.png").toAbsolutePath()));
    }
  }

  @Test
  void orphansAndBrokenImagesAreReportedByFile() throws IOException {
    Files.write(dir.resolve("a.png"), TestImages.png(1));
    Files.writeString(dir.resolve("a.txt"), "fine");
    Files.write(dir.resolve("b.png"), TestImages.png(2));
    Files.writeString(dir.resolve("c.txt"), "no image");
    byte[] png = TestImages.png(3);
    Files.write(dir.resolve("d.png"), java.util.Arrays.copyOf(png, png.length / 2));
    Files.writeString(dir.resolve("d.txt"), "half an image");
    Files.write(dir.resolve("e.png"), TestImages.png(4));
    Files.write(dir.resolve("e.jpg"), TestImages.jpeg(4));
    Files.writeString(dir.resolve("e.txt"), "two images");

    try (PairReader r = PairReaders.open(dir, MemoryFormat.IMAGE_FOLDER, ReadOptions.defaults())) {
      assertThat(r.next().id()).isEqualTo("a");
      assertThatThrownBy(r::next)
          .isInstanceOf(MalformedRecordException.class)
          .hasMessageContaining("file b.png")
          .hasMessageContaining("no caption file b.txt or b.json");
    }
    try (PairReader r = PairReaders.open(dir, ReadOptions.defaults().withOnMalformed(MalformedPolicy.SKIP))) {
      assertThat(r.stream().map(ImageTextPair::id).toList()).containsExactly("a");
      assertThat(r.counts().skippedByReason())
          .containsEntry(SkipReason.IMAGE_WITHOUT_CAPTION, 1L)
          .containsEntry(SkipReason.CAPTION_WITHOUT_IMAGE, 1L)
          .containsEntry(SkipReason.BAD_IMAGE, 1L)
          .containsEntry(SkipReason.MALFORMED_RECORD, 1L);
      assertThat(r.counts().skipped()).isEqualTo(4);
    }
  }
}
