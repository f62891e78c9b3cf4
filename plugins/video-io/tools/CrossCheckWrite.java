// Writes the cross-check videos (see ffmpeg-crosscheck.sh): the "gentle" test pattern of
// Mp4WriterTest, 16 frames of 64x36 at 24 fps, as MP4 at scale 1 and 4 and as GIF.
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.video.VideoWriters;
import java.nio.file.Path;

public class CrossCheckWrite {
  static final int T = 16, H = 36, W = 64;

  static float value(int c, int f, int y, int x) {
    double phase = (x + f) / (2.0 * W) + c / 3.0 + y / (4.0 * H);
    return (float) (0.7 * Math.sin(2 * Math.PI * phase));
  }

  public static void main(String[] args) throws Exception {
    float[] v = new float[3 * T * H * W];
    for (int c = 0; c < 3; c++)
      for (int f = 0; f < T; f++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++) v[((c * T + f) * H + y) * W + x] = value(c, f, y, x);
    Video video = new Video(Tensor.of(v, 3, T, H, W), 24f);
    Path dir = Path.of(args[0]);
    VideoWriters.forPath(dir.resolve("x1.mp4")).write(video, dir.resolve("x1.mp4"), 1);
    VideoWriters.forPath(dir.resolve("x4.mp4")).write(video, dir.resolve("x4.mp4"), 4);
    VideoWriters.forPath(dir.resolve("x1.gif")).write(video, dir.resolve("x1.gif"), 1);
  }
}
