// Compares raw RGB24 frames decoded by FFmpeg with the pattern CrossCheckWrite wrote.
// Usage: CrossCheckCompare.java <frames.rgb> <scale>
import dev.vimi.spi.Video;
import java.nio.file.Files;
import java.nio.file.Path;

public class CrossCheckCompare {
  public static void main(String[] args) throws Exception {
    int t = 16, h = 36, w = 64, s = Integer.parseInt(args[1]);
    byte[] raw = Files.readAllBytes(Path.of(args[0]));
    int ow = w * s, oh = h * s;
    if (raw.length != t * ow * oh * 3) {
      throw new IllegalStateException("expected " + t + " frames of " + ow + "x" + oh + " but got " + raw.length + " bytes");
    }
    double worst = 0, sum = 0;
    for (int f = 0; f < t; f++) {
      long err = 0;
      for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
          for (int c = 0; c < 3; c++) {
            double phase = (x / s + f) / (2.0 * w) + c / 3.0 + (y / s) / (4.0 * h);
            int expected = Video.toByte((float) (0.7 * Math.sin(2 * Math.PI * phase)));
            err += Math.abs(expected - (raw[((f * oh + y) * ow + x) * 3 + c] & 0xFF));
          }
      double mae = err / (3.0 * ow * oh);
      worst = Math.max(worst, mae);
      sum += mae;
    }
    System.out.printf("%s: mean absolute error per channel (levels of 255): mean over frames %.2f, worst frame %.2f%n", args[0], sum / t, worst);
  }
}
