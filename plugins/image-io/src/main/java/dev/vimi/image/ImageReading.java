package dev.vimi.image;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import dev.vimi.spi.InvalidInputException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The steps behind {@link ImageLoader}: sniff the format, pick the reader, decode, and pack the pixels
 * by the one colour rule. Stateless; every method works on the reader or stream it is given.
 */
final class ImageReading {
  private ImageReading() {}

  /** A reader positioned on an input whose format is known. */
  record Opened(ImageFormat format, ImageReader reader) {}

  /** Sniffs {@code in} and returns a reader with its input set; refuses what is not decoded. */
  static Opened open(String what, ImageInputStream in) throws IOException {
    byte[] head = new byte[ImageFormat.SIGNATURE_BYTES];
    in.mark();
    int n = 0;
    while (n < head.length) {
      int r = in.read(head, n, head.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    in.reset();
    if (n == 0) {
      throw new InvalidInputException("image", what + " is empty (0 bytes); pass a PNG, JPEG or WebP file");
    }
    ImageFormat format = ImageFormat.sniff(head, n).orElse(null);
    if (format == null) {
      throw new InvalidInputException(
          "image",
          what + " is not a PNG, JPEG or WebP image: its content looks like " + ImageFormat.describe(head, n)
              + "; pass a PNG, JPEG or WebP file");
    }
    if (!format.decoded()) {
      throw new InvalidInputException("image", what + " is a " + format + " image; vimi reads PNG, JPEG and WebP: convert it");
    }
    boolean cmyk = false;
    if (format == ImageFormat.JPEG) {
      in.mark();
      cmyk = jpegComponents(in) == 4;
      in.reset();
    }
    ImageReader reader = reader(format, cmyk);
    // TwelveMonkeys' JPEG reader needs the metadata (ICC profile, Adobe marker) to convert CMYK/YCCK
    reader.setInput(in, true, !cmyk);
    return new Opened(format, reader);
  }

  /** Decodes image 0 of {@code reader}, refusing truncated input, and packs it as ARGB. */
  static ImageLoader.Decoded decode(String what, ImageReader reader) throws IOException {
    List<String> warnings = ImageLoader.warningsOf(reader);
    BufferedImage img = reader.read(0);
    ImageLoader.checkWarnings(what, warnings);
    return new ImageLoader.Decoded(img.getWidth(), img.getHeight(), toArgb(img), img.getColorModel().hasAlpha());
  }

  /**
   * The number of colour components in the JPEG frame header (SOFn) read from the current position
   * of {@code in}, or -1 if none is found before the scan data. 1 = grey, 3 = YCbCr/RGB, 4 = CMYK/YCCK.
   */
  static int jpegComponents(ImageInputStream in) throws IOException {
    if (in.read() != 0xFF || in.read() != 0xD8) {
      return -1;
    }
    while (true) {
      int b = in.read();
      if (b < 0) {
        return -1;
      }
      if (b != 0xFF) {
        return -1;
      }
      int marker = in.read();
      while (marker == 0xFF) { // fill bytes
        marker = in.read();
      }
      if (marker < 0 || marker == 0xD9 || marker == 0xDA) { // end of input or image, start of scan
        return -1;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      int hi = in.read();
      int lo = in.read();
      if (hi < 0 || lo < 0) {
        return -1;
      }
      int len = (hi << 8) | lo;
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        in.skipBytes(5); // precision, height, width
        return in.read();
      }
      if (len < 2) {
        return -1;
      }
      in.skipBytes(len - 2);
    }
  }

  private static ImageReader reader(ImageFormat format, boolean cmyk) {
    if (format == ImageFormat.WEBP) {
      return new WebPImageReaderSpi().createReaderInstance(null);
    }
    String name = format == ImageFormat.PNG ? "png" : "jpeg";
    // PNG and RGB/grey JPEG: the JDK's readers, whose samples Pillow also returns; CMYK/YCCK JPEG:
    // TwelveMonkeys' reader, which converts to sRGB (the JDK's reader refuses such files)
    String wanted = cmyk ? "com.twelvemonkeys." : "com.sun.imageio.";
    ImageReader found = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(name); it.hasNext(); ) {
      ImageReader r = it.next();
      if (found == null && r.getClass().getName().startsWith(wanted)) {
        found = r;
      } else {
        r.dispose();
      }
    }
    if (found == null) {
      throw new IllegalStateException(
          cmyk
              ? "TwelveMonkeys' JPEG reader is not registered with ImageIO: put com.twelvemonkeys.imageio:imageio-jpeg"
                  + " (a dependency of vimi-image-io) on the class or module path"
              : "the JDK's " + name + " reader is missing (java.desktop is incomplete)");
    }
    return found;
  }

  /** Packs the image as non-premultiplied sRGB ARGB by the colour rule of {@link ImageLoader}. */
  static int[] toArgb(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    Raster r = img.getRaster();
    int[] out = new int[w * h];
    if (!(cm instanceof IndexColorModel)
        && cm instanceof ComponentColorModel
        && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && !cm.isAlphaPremultiplied()
        && (r.getNumBands() == 1 || r.getNumBands() == 2)) {
      int bits = cm.getComponentSize(0);
      boolean alpha = r.getNumBands() == 2;
      int[] row = new int[w * r.getNumBands()];
      for (int y = 0; y < h; y++) {
        r.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int g = to8(row[x * r.getNumBands()], bits);
          int a = alpha ? to8(row[x * 2 + 1], cm.getComponentSize(1)) : 255;
          out[y * w + x] = (a << 24) | (g << 16) | (g << 8) | g;
        }
      }
      return out;
    }
    if (cm instanceof ComponentColorModel
        && cm.getColorSpace().getType() == ColorSpace.TYPE_RGB
        && !cm.isAlphaPremultiplied()
        && r.getSampleModel() instanceof PixelInterleavedSampleModel sm
        && r.getDataBuffer() instanceof DataBufferByte db
        && db.getNumBanks() == 1
        && r.getSampleModelTranslateX() == 0
        && r.getSampleModelTranslateY() == 0
        && (sm.getNumBands() == 3 || (sm.getNumBands() == 4 && cm.hasAlpha()))) {
      // 8-bit RGB(A) as the JDK's PNG and JPEG readers return it: read the bytes directly (the stored
      // samples, as Pillow does; an embedded ICC profile is not applied)
      byte[] data = db.getData();
      int[] band = sm.getBandOffsets();
      int stride = sm.getPixelStride();
      int scan = sm.getScanlineStride();
      int base = db.getOffset();
      boolean alpha = sm.getNumBands() == 4;
      for (int y = 0; y < h; y++) {
        int row = base + y * scan;
        for (int x = 0; x < w; x++) {
          int at = row + x * stride;
          int a = alpha ? data[at + band[3]] & 0xFF : 255;
          out[y * w + x] =
              (a << 24) | ((data[at + band[0]] & 0xFF) << 16) | ((data[at + band[1]] & 0xFF) << 8) | (data[at + band[2]] & 0xFF);
        }
      }
      return out;
    }
    img.getRGB(0, 0, w, h, out, 0, w);
    return out;
  }

  private static int to8(int v, int bits) {
    if (bits == 8) {
      return v;
    }
    long max = (1L << bits) - 1;
    return (int) ((v * 255L + max / 2) / max);
  }
}
