package dev.vimi.memory.formats;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Real encoded images made with the JDK's encoders, for tests. */
final class TestImages {
  private TestImages() {}

  static byte[] encode(String format, int w, int h, int seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, ((x * 37 + seed * 53) & 0xff) << 16 | ((y * 91 + seed) & 0xff) << 8 | ((x * y) & 0xff));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] png(int seed) {
    return encode("png", 8, 6, seed);
  }

  static byte[] jpeg(int seed) {
    return encode("jpg", 8, 6, seed);
  }
}
