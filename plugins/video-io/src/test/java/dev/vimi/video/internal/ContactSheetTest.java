package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Video;
import dev.vimi.video.ContactSheet;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactSheetTest {
  private static final int SEP = ContactSheet.SEPARATOR_PX;

  @TempDir Path dir;

  /** The frame at grid cell (col, row) of the sheet, cut out. */
  private static int[] cell(BufferedImage sheet, int col, int row, int fw, int fh) {
    int x0 = SEP + col * (fw + SEP);
    int y0 = SEP + row * (fh + SEP);
    int[] px = sheet.getRGB(x0, y0, fw, fh, null, 0, fw);
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return px;
  }

  @Test
  void framesSitInReadingOrderBetweenSeparators() {
    Video video = TestVideos.smooth(7, 6, 10, 24f);
    BufferedImage sheet = ContactSheet.render(video, 3, 2);
    int fw = 20;
    int fh = 12;
    assertThat(sheet.getWidth()).isEqualTo(3 * fw + 4 * SEP);
    assertThat(sheet.getHeight()).isEqualTo(3 * fh + 4 * SEP);
    for (int t = 0; t < 7; t++) {
      assertThat(cell(sheet, t % 3, t / 3, fw, fh)).as("frame %d", t).isEqualTo(TestVideos.expected(video, t, 2));
    }
    int sep = ContactSheet.SEPARATOR_RGB;
    assertThat(sheet.getRGB(0, 0) & 0xFFFFFF).isEqualTo(sep);
    assertThat(sheet.getRGB(SEP + fw, 5) & 0xFFFFFF).as("between columns").isEqualTo(sep);
    assertThat(sheet.getRGB(5, SEP + fh + 1) & 0xFFFFFF).as("between rows").isEqualTo(sep);
    assertThat(cell(sheet, 1, 2, fw, fh)).as("empty cells after the last frame").containsOnly(sep);
    assertThat(cell(sheet, 2, 2, fw, fh)).containsOnly(sep);
  }

  @Test
  void moreColumnsThanFramesMakesOneRow() {
    Video video = TestVideos.smooth(3, 4, 5, 24f);
    BufferedImage sheet = ContactSheet.render(video, 10, 1);
    assertThat(sheet.getWidth()).isEqualTo(3 * 5 + 4 * SEP);
    assertThat(sheet.getHeight()).isEqualTo(4 + 2 * SEP);
  }

  @Test
  void defaultColumnsMakeASquarishGrid() {
    assertThat(ContactSheet.defaultColumns(16)).isEqualTo(4);
    assertThat(ContactSheet.defaultColumns(5)).isEqualTo(3);
    assertThat(ContactSheet.defaultColumns(1)).isEqualTo(1);
  }

  @Test
  void writtenSheetReadsBackAsTheRenderedOne() throws Exception {
    Video video = TestVideos.smooth(16, 36, 64, 24f);
    Path out = dir.resolve("sheet.png");
    ContactSheet.write(video, out, 4, 2);
    BufferedImage back = ImageIO.read(out.toFile());
    BufferedImage expected = ContactSheet.render(video, 4, 2);
    assertThat(back.getWidth()).isEqualTo(expected.getWidth());
    int w = back.getWidth();
    int h = back.getHeight();
    assertThat(back.getRGB(0, 0, w, h, null, 0, w)).isEqualTo(expected.getRGB(0, 0, w, h, null, 0, w));
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("sheet.png");
    }
  }

  @Test
  void badArgumentsAreRefused() {
    Video video = TestVideos.smooth(2, 4, 4, 24f);
    assertThatThrownBy(() -> ContactSheet.render(video, 0, 1)).isInstanceOf(InvalidInputException.class).hasMessageContaining("column");
    assertThatThrownBy(() -> ContactSheet.render(video, 2, 0)).isInstanceOf(InvalidInputException.class).hasMessageContaining("scale");
    assertThatThrownBy(() -> ContactSheet.write(video, dir.resolve("sheet.jpg"), 2, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(".png");
    assertThatThrownBy(() -> ContactSheet.write(video, dir.resolve("missing").resolve("sheet.png"), 2, 1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ContactSheet.render(TestVideos.smooth(400, 64, 64, 24f), 400, 2))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too large");
  }
}
