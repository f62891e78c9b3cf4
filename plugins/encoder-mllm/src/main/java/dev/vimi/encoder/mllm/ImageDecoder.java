package dev.vimi.encoder.mllm;

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
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG, JPEG and WebP bytes into packed {@code 0xAARRGGBB} pixels, refusing what it must not
 * decode before it allocates pixel memory.
 *
 * <ul>
 *   <li>The format is recognised from the first bytes (signature), not from a file name.
 *   <li>The dimensions are read from the header first; an image with more than {@code maxPixels}
 *       pixels (a "decompression bomb", such as a 50000 x 50000 PNG of a few hundred bytes) is refused
 *       without decoding it.
 *   <li>CMYK and YCCK JPEGs are refused: converting them correctly needs the ICC profile they were
 *       made with, and a naive conversion gives wrong colours silently.
 *   <li>Grey images give R = G = B = the grey value (no gamma conversion), 16-bit samples are rounded to
 *       8 bits, palette images use their palette and its alpha, and 8-bit RGB(A) samples are taken as
 *       they are (an embedded ICC profile is not applied), as Pillow's {@code convert("RGBA")} does.
 * </ul>
 *
 * <p>PNG and JPEG use the JDK's readers; WebP uses TwelveMonkeys' reader, instantiated directly so
 * that no global ImageIO registry state is involved. Stateless and thread-safe.
 */
final class ImageDecoder {

  /** Decoded pixels. */
  record Pixels(int width, int height, int[] argb) {}

  enum Format {
    PNG,
    JPEG,
    WEBP
  }

  private final long maxPixels;

  ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /**
   * Decodes {@code data}. {@code what} names the image in error messages (e.g. {@code "image 2
   * (cat.png)"}).
   */
  Pixels decode(byte[] data, String what) {
    Format format = sniff(data, what);
    if (format == Format.JPEG) {
      int components = jpegComponents(data);
      if (components == 4) {
        throw new InvalidInputException(
            "image",
            what + " is a CMYK (or YCCK) JPEG; this encoder does not convert CMYK because a correct conversion"
                + " needs the image's ICC profile: convert the image to RGB (sRGB) and try again");
      }
    }
    if (format == Format.PNG && data.length >= 24) {
      // IHDR is the first chunk: check the size before any reader parses further
      long w = readUInt32(data, 16);
      long h = readUInt32(data, 20);
      checkSize(w, h, what);
    }
    ImageReader reader = reader(format);
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      int w;
      int h;
      try {
        w = reader.getWidth(0);
        h = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException(
            "image", what + " looks like " + format + " but its header cannot be read (" + e.getMessage() + "); the file is damaged", e);
      }
      checkSize(w, h, what);
      BufferedImage img;
      try {
        img = reader.read(0);
      } catch (IOException | RuntimeException e) {
        throw new InvalidInputException(
            "image", what + " is a " + format + " image that cannot be decoded (" + e.getMessage() + "); the file is damaged or uses an unsupported variant", e);
      }
      return new Pixels(img.getWidth(), img.getHeight(), toArgb(img));
    } catch (IOException e) {
      throw new InvalidInputException("image", what + " cannot be read: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  private void checkSize(long w, long h, String what) {
    if (w <= 0 || h <= 0) {
      throw new InvalidInputException("image", what + " declares a size of " + w + "x" + h + "; the file is damaged");
    }
    long pixels = w * h;
    if (pixels > maxPixels) {
      throw new InvalidInputException(
          "image",
          what + " is " + w + "x" + h + " = " + pixels + " pixels, more than the limit of " + maxPixels
              + " (configuration key max_image_pixels); it was refused before decoding. Downscale the image,"
              + " or raise the limit if such images are expected");
    }
  }

  private static long readUInt32(byte[] d, int off) {
    return ((long) (d[off] & 0xFF) << 24) | ((d[off + 1] & 0xFF) << 16) | ((d[off + 2] & 0xFF) << 8) | (d[off + 3] & 0xFF);
  }

  /** Recognises the format from the signature; anything else is an {@link InvalidInputException}. */
  static Format sniff(byte[] d, String what) {
    if (d.length >= 8
        && (d[0] & 0xFF) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G'
        && d[4] == 0x0D && d[5] == 0x0A && d[6] == 0x1A && d[7] == 0x0A) {
      return Format.PNG;
    }
    if (d.length >= 3 && (d[0] & 0xFF) == 0xFF && (d[1] & 0xFF) == 0xD8 && (d[2] & 0xFF) == 0xFF) {
      return Format.JPEG;
    }
    if (d.length >= 12 && d[0] == 'R' && d[1] == 'I' && d[2] == 'F' && d[3] == 'F'
        && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
      return Format.WEBP;
    }
    String known = knownOther(d);
    throw new InvalidInputException(
        "image",
        what + " is not a PNG, JPEG or WebP image" + (known == null ? "" : " (it looks like " + known + ")")
            + "; its first bytes are " + hex(d, 8) + ". Pass the encoded bytes of a PNG, JPEG or WebP file");
  }

  private static String knownOther(byte[] d) {
    if (d.length == 0) {
      return "an empty file";
    }
    if (d.length >= 4 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F' && d[3] == '8') {
      return "GIF";
    }
    if (d.length >= 2 && d[0] == 'B' && d[1] == 'M') {
      return "BMP";
    }
    if (d.length >= 4 && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42) || (d[0] == 'M' && d[1] == 'M' && d[3] == 42))) {
      return "TIFF";
    }
    int printable = 0;
    int n = Math.min(d.length, 64);
    for (int i = 0; i < n; i++) {
      int c = d[i] & 0xFF;
      if (c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F)) {
        printable++;
      }
    }
    return printable == n ? "text" : null;
  }

  private static String hex(byte[] d, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(n, d.length); i++) {
      sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02X", d[i] & 0xFF));
    }
    return sb.isEmpty() ? "(none)" : sb.toString();
  }

  /**
   * The number of colour components in the JPEG's frame header (SOFn), or -1 if none is found
   * before the scan data. 1 = grey, 3 = YCbCr/RGB, 4 = CMYK/YCCK.
   */
  static int jpegComponents(byte[] d) {
    int i = 2;
    while (i + 4 <= d.length) {
      if ((d[i] & 0xFF) != 0xFF) {
        return -1;
      }
      int marker = d[i + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte
        i++;
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2;
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) { // end of image, start of scan
        return -1;
      }
      int len = ((d[i + 2] & 0xFF) << 8) | (d[i + 3] & 0xFF);
      boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        return i + 9 < d.length ? d[i + 9] & 0xFF : -1;
      }
      i += 2 + len;
    }
    return -1;
  }

  private static ImageReader reader(Format format) {
    if (format == Format.WEBP) {
      return new WebPImageReaderSpi().createReaderInstance(null);
    }
    // prefer the JDK's own reader, so that decoding does not depend on which ImageIO plugins happen
    // to be on the class path
    ImageReader fallback = null;
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format == Format.PNG ? "png" : "jpeg"); it.hasNext(); ) {
      ImageReader r = it.next();
      if (r.getClass().getName().startsWith("com.sun.imageio.")) {
        if (fallback != null) {
          fallback.dispose();
        }
        return r;
      }
      if (fallback == null) {
        fallback = r;
      } else {
        r.dispose();
      }
    }
    if (fallback == null) {
      throw new IllegalStateException("no ImageIO reader for " + format + " (java.desktop is incomplete)");
    }
    return fallback;
  }

  /** Packs the image as non-premultiplied sRGB ARGB, taking grey samples as they are. */
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
      // 8-bit RGB(A) as the JDK's PNG and JPEG readers return it: read the bytes directly (the raw
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
