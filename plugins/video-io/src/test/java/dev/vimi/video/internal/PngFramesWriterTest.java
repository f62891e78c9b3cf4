package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG frame folders read back with ImageIO: lossless, so pixels must match exactly. */
class PngFramesWriterTest {
  @TempDir Path dir;

  private static VideoWriter writer() {
    return new PngFramesWriterProvider().create(ProviderConfig.empty("test png"));
  }

  private static List<String> names(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int[] pixels(Path png) throws Exception {
    BufferedImage img = ImageIO.read(png.toFile());
    int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return px;
  }

  @Test
  void framesAreNumberedAndExact() throws Exception {
    Video video = TestVideos.smooth(12, 9, 14, 24f);
    Path out = dir.resolve("frames");
    writer().write(video, out, 1);
    assertThat(names(out))
        .containsExactly(
            "frame_0000.png", "frame_0001.png", "frame_0002.png", "frame_0003.png", "frame_0004.png", "frame_0005.png",
            "frame_0006.png", "frame_0007.png", "frame_0008.png", "frame_0009.png", "frame_0010.png", "frame_0011.png");
    for (int t = 0; t < 12; t++) {
      assertThat(pixels(out.resolve(PngFramesWriter.frameName(t)))).as("frame %d", t).isEqualTo(TestVideos.expected(video, t, 1));
    }
  }

  @Test
  void upscaledFramesAreExactBlocks() throws Exception {
    Video video = TestVideos.smooth(2, 5, 7, 24f);
    Path out = dir.resolve("x4");
    writer().write(video, out, 4);
    BufferedImage img = ImageIO.read(out.resolve("frame_0001.png").toFile());
    assertThat(img.getWidth()).isEqualTo(28);
    assertThat(img.getHeight()).isEqualTo(20);
    assertThat(pixels(out.resolve("frame_0001.png"))).isEqualTo(TestVideos.expected(video, 1, 4));
  }

  @Test
  void anEarlierOutputFolderIsReplacedWhole() throws Exception {
    Path out = dir.resolve("frames");
    writer().write(TestVideos.smooth(5, 4, 4, 24f), out, 1);
    Video second = TestVideos.gentle(3, 4, 4, 24f);
    writer().write(second, out, 1);
    assertThat(names(out)).containsExactly("frame_0000.png", "frame_0001.png", "frame_0002.png");
    assertThat(pixels(out.resolve("frame_0002.png"))).isEqualTo(TestVideos.expected(second, 2, 1));
    assertThat(names(dir)).containsExactly("frames");
  }

  @Test
  void anEmptyFolderIsFilled() throws Exception {
    Path out = Files.createDirectory(dir.resolve("empty"));
    writer().write(TestVideos.smooth(2, 4, 4, 24f), out, 1);
    assertThat(names(out)).containsExactly("frame_0000.png", "frame_0001.png");
  }

  @Test
  void aFolderWithOtherFilesIsNeverReplaced() throws Exception {
    Path out = Files.createDirectory(dir.resolve("mine"));
    Files.writeString(out.resolve("notes.txt"), "keep me");
    Files.writeString(out.resolve("frame_0000.png"), "not really a png, but named like one");
    assertThatThrownBy(() -> writer().write(TestVideos.smooth(2, 4, 4, 24f), out, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes.txt")
        .hasMessageContaining("new or empty folder");
    assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("keep me");
    assertThat(names(dir)).containsExactly("mine");
  }

  @Test
  void aFileAsTargetIsRefused() throws Exception {
    Path out = Files.writeString(dir.resolve("frames"), "a file");
    assertThatThrownBy(() -> writer().write(TestVideos.smooth(2, 4, 4, 24f), out, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a folder");
    assertThat(Files.readString(out)).isEqualTo("a file");
  }

  @Test
  void frameNamesWidenPastTenThousand() {
    assertThat(PngFramesWriter.frameName(7)).isEqualTo("frame_0007.png");
    assertThat(PngFramesWriter.frameName(12345)).isEqualTo("frame_12345.png");
  }
}
