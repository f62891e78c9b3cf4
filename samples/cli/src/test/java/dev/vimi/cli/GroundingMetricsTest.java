package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.image.ImageLoader;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The grounding measurements on videos whose truth is known: real emoji sprites of the embedded
 * memory drawn (Java2D, bilinear) moving over plain backgrounds, as ViMi-tiny's training clips are.
 */
class GroundingMetricsTest {
  static final Path IMAGES = Path.of("../../memories/emoji/src/main/resources/dev/vimi/memory/emoji/images");
  static final String[] CANDIDATES = {"1f436", "1f431", "1f34e", "1f697", "26bd", "1f40c", "1f335", "1f3b8", "1f41f", "1f382"};
  static final Map<String, int[]> PALETTE = new LinkedHashMap<>();

  static {
    PALETTE.put("red", new int[] {200, 40, 40});
    PALETTE.put("green", new int[] {50, 160, 60});
    PALETTE.put("blue", new int[] {40, 70, 200});
    PALETTE.put("yellow", new int[] {235, 210, 50});
    PALETTE.put("white", new int[] {245, 245, 245});
    PALETTE.put("black", new int[] {15, 15, 15});
    PALETTE.put("gray", new int[] {128, 128, 128});
    PALETTE.put("purple", new int[] {130, 50, 170});
  }

  static BufferedImage emoji(String code) {
    return ImageLoader.withDefaultLimits().read(IMAGES.resolve(code + ".png"));
  }

  /** 16 frames of 36x64: the emoji at centre (cx, cy) and size s, moving by (dx, dy, ds) per frame. */
  static Video render(String code, String bg, double cx, double cy, double s, double dx, double dy, double ds) {
    BufferedImage sprite = emoji(code);
    int t = 16;
    int h = 36;
    int w = 64;
    float[] v = new float[3 * t * h * w];
    int[] rgb = PALETTE.get(bg);
    for (int f = 0; f < t; f++) {
      BufferedImage frame = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = frame.createGraphics();
      g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
      g.fillRect(0, 0, w, h);
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      double size = s + ds * f;
      int x0 = (int) Math.round(cx + dx * f - size / 2);
      int y0 = (int) Math.round(cy + dy * f - size / 2);
      g.drawImage(sprite, x0, y0, (int) Math.round(size), (int) Math.round(size), null);
      g.dispose();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = frame.getRGB(x, y);
          for (int c = 0; c < 3; c++) {
            int val = (p >> (16 - 8 * c)) & 255;
            v[((c * t + f) * h + y) * w + x] = val / 127.5f - 1f;
          }
        }
      }
    }
    return new Video(Tensor.of(v, 3, t, h, w), 24f);
  }

  static Map<String, GroundingMetrics.Sprite> sprites() {
    Map<String, GroundingMetrics.Sprite> m = new LinkedHashMap<>();
    ImageLoader loader = ImageLoader.withDefaultLimits();
    for (String c : CANDIDATES) {
      m.put(c, GroundingMetrics.Sprite.of(c, loader.readPixels(ImageRef.of(IMAGES.resolve(c + ".png")))));
    }
    return m;
  }

  @ParameterizedTest
  @CsvSource({
    "1f436, red,    left,   50, 18, 16, -2.2, 0,    0",
    "1f431, blue,   right,  12, 20, 16, 2.2,  0,    0",
    "1f34e, white,  up,     30, 28, 14, 0,    -1.0, 0",
    "1f697, black,  down,   40, 8,  14, 0,    1.0,  0",
    "26bd,  green,  grow,   32, 18, 8,  0,    0,    0.8",
    "1f40c, yellow, shrink, 30, 18, 22, 0,    0,    -0.8",
    "1f335, purple, still,  20, 16, 16, 0,    0,    0",
  })
  void motionBackgroundAndIdentityOfARenderedSprite(
      String code, String bg, String motion, double cx, double cy, double s, double dx, double dy, double ds) {
    Video v = render(code, bg, cx, cy, s, dx, dy, ds);
    float[] bgc = GroundingMetrics.background(v);
    assertThat(GroundingMetrics.nearestColour(bgc, PALETTE)).isEqualTo(bg);
    List<GroundingMetrics.FrameTrack> tracks = new ArrayList<>();
    List<float[]> frames = new ArrayList<>();
    for (int t = 0; t < v.frameCount(); t++) {
      float[] px = GroundingMetrics.rgb(v, t);
      frames.add(px);
      tracks.add(GroundingMetrics.track(px, v.height(), v.width(), bgc));
    }
    assertThat(GroundingMetrics.motion(tracks, v.width())).isEqualTo(motion);

    // identity: the true sprite is the nearest of the ten candidates, summed over the frames
    Map<String, GroundingMetrics.Sprite> sprites = sprites();
    String best = null;
    double bestD = Double.MAX_VALUE;
    for (Map.Entry<String, GroundingMetrics.Sprite> e : sprites.entrySet()) {
      double d = 0;
      for (int t = 0; t < frames.size(); t++) {
        if (tracks.get(t).visible()) {
          d += GroundingMetrics.distance(frames.get(t), v.width(), tracks.get(t), bgc, e.getValue());
        }
      }
      if (d < bestD) {
        bestD = d;
        best = e.getKey();
      }
    }
    assertThat(best).isEqualTo(code);
    double diff = GroundingMetrics.frameDifference(v);
    assertThat(GroundingMetrics.psnr(frames.get(0), frames.get(0))).isEqualTo(99.0);
    if (motion.equals("still")) {
      assertThat(diff).isZero();
    } else {
      assertThat(diff).isPositive();
      assertThat(GroundingMetrics.psnr(frames.get(0), frames.get(15))).isLessThan(40.0);
    }
  }
}
