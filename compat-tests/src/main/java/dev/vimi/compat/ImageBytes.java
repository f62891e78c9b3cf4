package dev.vimi.compat;

import dev.vimi.spi.ImageRef;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import javax.imageio.ImageIO;

/** Reads the bytes or pixels behind an {@link ImageRef} (path, file/jar URI, bytes, pixels), for comparisons. */
public final class ImageBytes {
  private ImageBytes() {}

  /** The encoded bytes, or null for decoded pixels. */
  public static byte[] read(ImageRef ref) {
    try {
      return switch (ref) {
        case ImageRef.OfPath p -> Files.readAllBytes(p.path());
        case ImageRef.OfUri u -> {
          try (InputStream in = u.uri().toURL().openStream()) {
            yield in.readAllBytes();
          }
        }
        case ImageRef.OfBytes b -> b.data();
        case ImageRef.OfPixels px -> null;
      };
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read image " + ref.describe(), e);
    }
  }

  /**
   * The image as decoded pixels: {@link ImageRef.OfPixels} as they are, anything else decoded with
   * {@link ImageIO} (PNG, JPEG, ...).
   */
  public static ImageRef.OfPixels pixels(ImageRef ref) {
    if (ref instanceof ImageRef.OfPixels px) {
      return px;
    }
    try {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(read(ref)));
      if (img == null) {
        throw new AssertionError("image " + ref.describe() + " is in no format ImageIO can decode");
      }
      int w = img.getWidth();
      int h = img.getHeight();
      return new ImageRef.OfPixels(w, h, img.getRGB(0, 0, w, h, null, 0, w));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode image " + ref.describe(), e);
    }
  }

  /**
   * Whether two references hold the same image: the same bytes when both are encoded, the same pixels
   * when either is decoded.
   */
  public static boolean same(ImageRef a, ImageRef b) {
    if (a instanceof ImageRef.OfPixels || b instanceof ImageRef.OfPixels) {
      return pixels(a).equals(pixels(b));
    }
    return java.util.Arrays.equals(read(a), read(b));
  }
}
