package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GIFs read back with the JDK's ImageIO GIF reader. */
class GifWriterTest {
  private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

  @TempDir Path dir;

  /** What a GIF holds, as read back. */
  record ReadGif(List<int[]> frames, int width, int height, int[] delays, Integer loopCount) {}

  static ReadGif read(Path gif) throws Exception {
    ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      reader.setInput(in, false, false);
      int n = reader.getNumImages(true);
      List<int[]> frames = new ArrayList<>();
      int[] delays = new int[n];
      Integer loop = null;
      int w = 0;
      int h = 0;
      for (int i = 0; i < n; i++) {
        BufferedImage img = reader.read(i);
        w = img.getWidth();
        h = img.getHeight();
        int[] px = img.getRGB(0, 0, w, h, null, 0, w);
        for (int k = 0; k < px.length; k++) {
          px[k] &= 0xFFFFFF;
        }
        frames.add(px);
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree(IMAGE_FORMAT);
        IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
        delays[i] = Integer.parseInt(gce.getAttribute("delayTime"));
        var apps = root.getElementsByTagName("ApplicationExtension");
        for (int a = 0; a < apps.getLength(); a++) {
          IIOMetadataNode app = (IIOMetadataNode) apps.item(a);
          if (app.getAttribute("applicationID").equals("NETSCAPE") && app.getAttribute("authenticationCode").equals("2.0")) {
            byte[] data = (byte[]) app.getUserObject();
            assertThat(data[0]).as("NETSCAPE2.0 sub-block id").isEqualTo((byte) 1);
            loop = (data[1] & 0xFF) | ((data[2] & 0xFF) << 8);
          }
        }
      }
      return new ReadGif(frames, w, h, delays, loop);
    } finally {
      reader.dispose();
    }
  }

  private static VideoWriter writer() {
    return new GifWriterProvider().create(ProviderConfig.empty("test gif"));
  }

  @Test
  void fewColourFramesComeBackExactly() throws Exception {
    Video video = TestVideos.fewColours(5, 12, 20, 60, 24f, 3);
    Path out = dir.resolve("v.gif");
    writer().write(video, out, 1);
    ReadGif gif = read(out);
    assertThat(gif.frames()).hasSize(5);
    assertThat(gif.width()).isEqualTo(20);
    assertThat(gif.height()).isEqualTo(12);
    for (int t = 0; t < 5; t++) {
      assertThat(gif.frames().get(t)).as("frame %d", t).isEqualTo(TestVideos.expected(video, t, 1));
    }
  }

  @Test
  void upscaleIsNearestNeighbour() throws Exception {
    Video video = TestVideos.fewColours(2, 6, 10, 40, 24f, 5);
    Path out = dir.resolve("x3.gif");
    writer().write(video, out, 3);
    ReadGif gif = read(out);
    assertThat(gif.width()).isEqualTo(30);
    assertThat(gif.height()).isEqualTo(18);
    assertThat(gif.frames().get(1)).isEqualTo(TestVideos.expected(video, 1, 3));
  }

  @Test
  void manyColoursAreQuantisedCloseToTheOriginal() throws Exception {
    Video video = TestVideos.smooth(3, 36, 64, 24f);
    Path out = dir.resolve("smooth.gif");
    writer().write(video, out, 1);
    ReadGif gif = read(out);
    for (int t = 0; t < 3; t++) {
      double mae = TestVideos.meanAbsError(TestVideos.expected(video, t, 1), 64, gif.frames().get(t), 64, 64, 36);
      System.out.printf("GIF, colourful 64x36 frame %d: MAE %.2f%n", t, mae);
      assertThat(mae).as("frame %d", t).isLessThan(1.5); // measured 0.46
    }
  }

  @Test
  void delaysFollowTheFrameRateAndTheAnimationLoops() throws Exception {
    Path out = dir.resolve("24.gif");
    writer().write(TestVideos.fewColours(16, 4, 4, 8, 24f, 1), out, 1);
    ReadGif gif = read(out);
    // 100/24 = 4.17 cs: frame k starts at round(100k/24) cs
    assertThat(gif.delays()).containsExactly(4, 4, 5, 4, 4, 4, 4, 4, 5, 4, 4, 4, 4, 4, 5, 4);
    assertThat(Arrays.stream(gif.delays()).sum()).isEqualTo(67);
    assertThat(gif.loopCount()).as("NETSCAPE2.0 loop count, 0 = forever").isEqualTo(0);
  }

  @Test
  void delayArithmetic() {
    assertThat(GifWriter.delays(5, 25)).containsOnly(4);
    assertThat(GifWriter.delays(5, 10)).containsOnly(10);
    assertThat(GifWriter.delays(3, 0.5)).containsOnly(200);
    assertThat(GifWriter.delays(6, 30)).containsExactly(3, 4, 3, 3, 4, 3);
    // faster than GIF can show: clamped to 2 cs (browsers treat less as 10 cs)
    assertThat(GifWriter.delays(6, 120)).containsOnly(2);
    for (double fps : new double[] {7, 12, 23.976, 24, 29.97, 48}) {
      int[] d = GifWriter.delays(100, fps);
      assertThat((double) Arrays.stream(d).sum()).as("%s fps", fps).isCloseTo(10000 / fps, org.assertj.core.data.Offset.offset(0.5));
    }
  }

  @Test
  void loopCountIsConfigurable() throws Exception {
    Path out = dir.resolve("thrice.gif");
    new GifWriterProvider().create(ProviderConfig.of("gif", Map.of("loop", "3"))).write(TestVideos.gentle(2, 4, 4, 8f), out, 1);
    assertThat(read(out).loopCount()).isEqualTo(3);
    // and on the byte level: "NETSCAPE2.0", sub-block of 3 bytes: id 1, count 3 little-endian
    byte[] bytes = Files.readAllBytes(out);
    byte[] ext = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0', 3, 1, 3, 0};
    assertThat(bytes).containsSequence(ext);
    assertThatThrownBy(() -> new GifWriterProvider().create(ProviderConfig.of("gif", Map.of("loop", "-1"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("loop");
  }
}
