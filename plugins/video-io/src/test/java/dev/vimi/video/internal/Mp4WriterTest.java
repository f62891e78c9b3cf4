package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MP4 files read back with jcodec's demuxer and H.264 decoder.
 *
 * <p>Tolerances (mean absolute error per channel, in 8-bit levels, worst frame of the video, at the
 * default quantiser 20). H.264 here is 4:2:0: colour is stored at half resolution, which on tiny
 * frames is the larger loss, so the tests hold three bounds apart:
 *
 * <ul>
 *   <li>{@value #SMOOTH_MAE} (8/255) for the whole path on smooth content at scale 1 (measured
 *       2.8 on 64x36, 3.8 on 35x21);
 *   <li>{@value #CODEC_MAE} for the codec alone, against an exact 4:2:0 reference (measured
 *       2.3 on 64x36; at most 3.3 on the sizes tried while tuning);
 *   <li>{@value #UPSCALED_MAE} for colourful content upscaled by an even factor, where every 2x2
 *       chroma block covers one source pixel, so subsampling loses nothing (measured 3.2 at scale 4).
 * </ul>
 */
class Mp4WriterTest {
  static final double SMOOTH_MAE = 8.0;
  static final double CODEC_MAE = 4.0;
  static final double UPSCALED_MAE = 4.0;

  @TempDir Path dir;

  private static VideoWriter writer() {
    return new Mp4WriterProvider().create(ProviderConfig.empty("test mp4"));
  }

  private static VideoWriter writer(Map<String, String> config) {
    return new Mp4WriterProvider().create(ProviderConfig.of("test mp4", config));
  }

  /** Largest per-frame mean absolute error between the video (upscaled) and the decoded frames. */
  private static double worstFrameError(Video video, int scale, Mp4Read.Decoded d) {
    double worst = 0;
    int w = video.width() * scale;
    int h = video.height() * scale;
    for (int t = 0; t < video.frameCount(); t++) {
      double e = TestVideos.meanAbsError(TestVideos.expected(video, t, scale), w, d.frames().get(t), d.width(), w, h);
      worst = Math.max(worst, e);
    }
    return worst;
  }

  /** Largest per-frame error between the decoded frames and an exact 4:2:0 coding of the video. */
  private static double worstCodecError(Video video, int scale, Mp4Read.Decoded d) {
    int w = video.width() * scale;
    int h = video.height() * scale;
    Picture pic = Bt601.newPicture(w + (w & 1), h + (h & 1), 1);
    double worst = 0;
    for (int t = 0; t < video.frameCount(); t++) {
      Bt601.fill(TestVideos.expected(video, t, scale), w, h, pic);
      int[] reference = Mp4Read.toRgb(pic, w, h);
      worst = Math.max(worst, TestVideos.meanAbsError(reference, w, d.frames().get(t), d.width(), w, h));
    }
    return worst;
  }

  @Test
  void writesEveryFrameDecodablyWithinTolerance() throws Exception {
    Video video = TestVideos.gentle(16, 36, 64, 24f);
    Path out = dir.resolve("v.mp4");
    writer().write(video, out, 1);

    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.trackFrameCount()).isEqualTo(16);
    assertThat(d.frames()).hasSize(16);
    assertThat(d.width()).isEqualTo(64);
    assertThat(d.height()).isEqualTo(36);
    double total = worstFrameError(video, 1, d);
    double codec = worstCodecError(video, 1, d);
    System.out.printf("64x36 smooth, scale 1, qp 20: worst-frame MAE %.2f overall, %.2f codec only (%d bytes)%n", total, codec, Files.size(out));
    assertThat(total).isLessThan(SMOOTH_MAE);
    assertThat(codec).isLessThan(CODEC_MAE);
    assertThat(Files.readAllBytes(out)).as("ISO base media with brand isom").containsSequence("ftypisom".getBytes());
  }

  @Test
  void colourToRgbAndBackIsCloseOnFlatColours() {
    // the conversion alone, without the codec: flat areas have no subsampling loss
    int[] colours = {0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0x808080, 0x3366CC, 0xFFCC00};
    Picture pic = Bt601.newPicture(4, 4, 1);
    for (int c : colours) {
      int[] px = new int[16];
      java.util.Arrays.fill(px, c);
      Bt601.fill(px, 4, 4, pic);
      assertThat(TestVideos.meanAbsError(px, 4, Mp4Read.toRgb(pic, 4, 4), 4, 4, 4)).as("colour %06x", c).isLessThanOrEqualTo(1.0);
    }
  }

  @Test
  void decodedFramesAreTheRightFramesInOrder() throws Exception {
    // frames that differ strongly: frame t is a flat grey of level 16*t
    List<int[]> frames = new ArrayList<>();
    for (int t = 0; t < 12; t++) {
      int g = 16 * t;
      int[] px = new int[32 * 16];
      java.util.Arrays.fill(px, (g << 16) | (g << 8) | g);
      frames.add(px);
    }
    Video video = TestVideos.ofPixels(frames, 32, 16, 10f);
    Path out = dir.resolve("greys.mp4");
    writer().write(video, out, 1);
    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.frames()).hasSize(12);
    for (int t = 0; t < 12; t++) {
      int centre = d.frames().get(t)[8 * 32 + 16];
      assertThat(centre & 0xFF).as("frame %d", t).isCloseTo(16 * t, within(3));
    }
  }

  @Test
  void upscaleIsNearestNeighbourAndKeepsFullColourResolution() throws Exception {
    Video video = TestVideos.smooth(4, 36, 64, 24f);
    Path out = dir.resolve("x4.mp4");
    writer().write(video, out, 4);
    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.width()).isEqualTo(256);
    assertThat(d.height()).isEqualTo(144);
    double total = worstFrameError(video, 4, d);
    System.out.printf("64x36 colourful, scale 4, qp 20: worst-frame MAE %.2f (%d bytes)%n", total, Files.size(out));
    assertThat(total).isLessThan(UPSCALED_MAE);
  }

  @Test
  void oddSizesArePaddedByRepeatingTheEdge() throws Exception {
    Video video = TestVideos.gentle(3, 21, 35, 24f);
    Path out = dir.resolve("odd.mp4");
    writer().write(video, out, 1);
    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.width()).isEqualTo(36);
    assertThat(d.height()).isEqualTo(22);
    double total = worstFrameError(video, 1, d);
    System.out.printf("35x21 smooth, scale 1, qp 20: worst-frame MAE %.2f%n", total);
    assertThat(total).as("the original 35x21 area").isLessThan(SMOOTH_MAE);
    // the padding column repeats the last column, the padding row the last row
    int[] f = d.frames().get(0);
    int[] lastCol = new int[21];
    int[] padCol = new int[21];
    for (int y = 0; y < 21; y++) {
      lastCol[y] = f[y * 36 + 34];
      padCol[y] = f[y * 36 + 35];
    }
    assertThat(TestVideos.meanAbsError(lastCol, 1, padCol, 1, 1, 21)).isLessThan(SMOOTH_MAE);
  }

  @Test
  void aOnePixelVideoIsWritten() throws Exception {
    Video video = TestVideos.ofPixels(List.of(new int[] {0x3366CC}, new int[] {0xCC6633}), 1, 1, 24f);
    Path out = dir.resolve("tiny.mp4");
    writer().write(video, out, 1);
    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.frames()).hasSize(2);
    assertThat(d.width()).isEqualTo(2);
    assertThat(d.height()).isEqualTo(2);
    assertThat(TestVideos.meanAbsError(new int[] {0x3366CC}, 1, d.frames().get(0), 2, 1, 1)).isLessThan(6);
    assertThat(TestVideos.meanAbsError(new int[] {0xCC6633}, 1, d.frames().get(1), 2, 1, 1)).isLessThan(6);
  }

  @Test
  void streamSaysBt601LimitedRange() throws Exception {
    Path out = dir.resolve("colour.mp4");
    writer().write(TestVideos.smooth(2, 16, 16, 24f), out, 1);
    var sps = Mp4Read.read(out).sps();
    assertThat(sps.profileIdc).isEqualTo(66);
    assertThat(sps.vuiParams).isNotNull();
    assertThat(sps.vuiParams.videoSignalTypePresentFlag).isTrue();
    assertThat(sps.vuiParams.videoFullRangeFlag).isFalse();
    assertThat(sps.vuiParams.colourDescriptionPresentFlag).isTrue();
    assertThat(sps.vuiParams.matrixCoefficients).isEqualTo(6);
    assertThat(sps.vuiParams.colourPrimaries).isEqualTo(6);
    assertThat(sps.vuiParams.transferCharacteristics).isEqualTo(6);
  }

  @Test
  void durationFollowsTheFrameRate() throws Exception {
    for (float fps : new float[] {24f, 8f, 23.976f, 12.5f}) {
      Path out = dir.resolve("rate-" + fps + ".mp4");
      writer().write(TestVideos.smooth(16, 8, 8, fps), out, 1);
      Mp4Read.Decoded d = Mp4Read.read(out);
      double expected = fps == 23.976f ? 16 * 1001 / 24000.0 : 16 / (double) fps;
      assertThat(d.durationSeconds()).as("%s fps", fps).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void keyIntervalIsConfigurable() throws Exception {
    Path out = dir.resolve("keys.mp4");
    writer(Map.of("key-interval", "4")).write(TestVideos.smooth(16, 16, 16, 24f), out, 1);
    Mp4Read.Decoded d = Mp4Read.read(out);
    assertThat(d.keyFrames()).containsExactly(0, 4, 8, 12);
    assertThat(d.frames()).hasSize(16);
  }

  @Test
  void lowerQuantiserMeansSmallerErrorAndLargerFile() throws Exception {
    Video video = TestVideos.smooth(8, 36, 64, 24f);
    Path fine = dir.resolve("fine.mp4");
    Path coarse = dir.resolve("coarse.mp4");
    writer(Map.of("qp", "12")).write(video, fine, 1);
    writer(Map.of("qp", "40")).write(video, coarse, 1);
    assertThat(Files.size(fine)).isGreaterThan(Files.size(coarse));
    assertThat(worstFrameError(video, 1, Mp4Read.read(fine))).isLessThan(worstFrameError(video, 1, Mp4Read.read(coarse)));
  }

  @Test
  void noiseAtTheFinestQuantiserFitsTheEncoderBuffer() throws Exception {
    // random pixels at qp 0 take ~700 bytes a macroblock; jcodec's own buffer allows 256
    for (int[] size : new int[][] {{16, 24}, {48, 64}, {7, 9}}) {
      Video video = TestVideos.noise(3, size[0], size[1], 24f, 7);
      Path out = dir.resolve("noise-" + size[1] + ".mp4");
      writer(Map.of("qp", "0")).write(video, out, 1);
      Mp4Read.Decoded d = Mp4Read.read(out);
      assertThat(d.frames()).hasSize(3);
      assertThat(worstCodecError(video, 1, d)).as("%sx%s", size[1], size[0]).isLessThan(8);
    }
  }

  @Test
  void levelFollowsFrameSizeAndRate() throws Exception {
    assertThat(H264Levels.levelFor(4, 3, 24)).isEqualTo(30);
    assertThat(H264Levels.levelFor(80, 45, 30)).isEqualTo(31); // 1280x720
    assertThat(H264Levels.levelFor(120, 68, 30)).isEqualTo(40); // 1920x1088
    assertThat(H264Levels.levelFor(72, 128, 24)).isEqualTo(50); // 1152x2048: 288x512 upscaled x4
    assertThat(H264Levels.levelFor(240, 135, 60)).isEqualTo(52); // 3840x2160 at 60
    Path out = dir.resolve("level.mp4");
    writer().write(TestVideos.gentle(2, 36, 64, 24f), out, 1);
    assertThat(Mp4Read.read(out).sps().levelIdc).isEqualTo(30);
  }

  @Test
  void framesTooLargeForH264AreRefusedBeforeWriting() {
    Video video = TestVideos.gentle(1, 300, 500, 24f);
    Path out = dir.resolve("huge.mp4");
    assertThatThrownBy(() -> writer().write(video, out, 30))
        .isInstanceOf(dev.vimi.spi.InvalidInputException.class)
        .hasMessageContaining("15000x9000")
        .hasMessageContaining("smaller scale");
    assertThat(out).doesNotExist();
  }

  @Test
  void badConfigurationIsRejected() {
    assertThatThrownBy(() -> writer(Map.of("qp", "52")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("qp")
        .hasMessageContaining("[0, 51]");
    assertThatThrownBy(() -> writer(Map.of("key-interval", "often")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("key-interval");
  }

  @Test
  void concurrentWritesDoNotInterfere() throws Exception {
    VideoWriter shared = writer();
    List<Video> videos = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      videos.add(TestVideos.gentle(6, 16 + 8 * i, 32, 24f));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> done = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int k = i;
        done.add(
            pool.submit(
                () -> {
                  Path p = dir.resolve("par-" + k + ".mp4");
                  shared.write(videos.get(k), p, 1);
                  return p;
                }));
      }
      for (int i = 0; i < 4; i++) {
        Mp4Read.Decoded d = Mp4Read.read(done.get(i).get());
        assertThat(d.height()).isEqualTo(16 + 8 * i);
        assertThat(worstFrameError(videos.get(i), 1, d)).isLessThan(SMOOTH_MAE);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void frameRateFractions() {
    assertThat(FrameRate.of(24f)).isEqualTo(new FrameRate(600, 25));
    assertThat(FrameRate.of(25f)).isEqualTo(new FrameRate(600, 24));
    assertThat(FrameRate.of(1000f)).isEqualTo(new FrameRate(1000, 1));
    FrameRate ntsc = FrameRate.of(29.97f);
    assertThat((long) ntsc.timescale() * 1001).isEqualTo((long) ntsc.frameDuration() * 30000);
    FrameRate film = FrameRate.of(23.976f);
    assertThat((long) film.timescale() * 1001).isEqualTo((long) film.frameDuration() * 24000);
    assertThat(FrameRate.of(12.5f).fps()).isEqualTo(12.5);
    assertThat(FrameRate.of(0.5f).fps()).isEqualTo(0.5);
  }
}
