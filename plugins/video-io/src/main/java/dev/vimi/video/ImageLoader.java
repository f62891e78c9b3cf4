package dev.vimi.video;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VimiException;
import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads input images (a subject's photo, a first frame) in PNG, JPEG or WebP, safely.
 *
 * <ul>
 *   <li><b>Formats.</b> Recognised by content, not by file name. PNG through the JDK; JPEG through
 *       TwelveMonkeys, which also converts CMYK and YCCK JPEGs (with their ICC profile, or a generic
 *       CMYK profile) to RGB; WebP (lossy, lossless, with alpha; the first frame of an animation)
 *       through TwelveMonkeys. Other formats are refused with a message saying so.
 *   <li><b>Decompression bombs and huge photos.</b> The width and height are read from the header
 *       first; an image of more pixels than the limit (default {@link ImageRef#DEFAULT_MAX_PIXELS},
 *       the limit every vimi component applies) or wider or higher than {@value #DEFAULT_MAX_SIDE}
 *       is refused before any pixel is decoded.
 *   <li><b>Broken files.</b> A missing, unreadable, truncated or corrupt file is an {@link
 *       InvalidInputException} (field {@code "image"}) whose message names the file. Truncated
 *       JPEGs, which decoders would otherwise fill with grey and accept, are refused too.
 *   <li><b>Result.</b> Images come back as {@link BufferedImage#TYPE_INT_RGB}, or {@link
 *       BufferedImage#TYPE_INT_ARGB} when the file has alpha, in sRGB; grey images become RGB.
 *       Returned images are new and owned by the caller.
 * </ul>
 *
 * <p>Only local sources are read: files, {@code file:} and {@code jar:} URIs, bytes and pixels.
 * Other URIs ({@code http:}, ...) are refused, since nothing is downloaded at run time.
 *
 * <p>Immutable and thread-safe: each call uses its own ImageIO reader. The JDK's and TwelveMonkeys'
 * readers are found through the ImageIO registry, which TwelveMonkeys joins through {@code
 * META-INF/services} on the class path and through its automatic modules' {@code provides} on the
 * module path.
 */
public final class ImageLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ImageLoader.class);

  /** Default largest width and height, in pixels; the pixel count is limited by {@link ImageRef#DEFAULT_MAX_PIXELS}. */
  public static final int DEFAULT_MAX_SIDE = 65_535;

  /** The image formats read. */
  public enum Format {
    PNG,
    JPEG,
    WEBP
  }

  /** What the header of an image says, read without decoding pixels. */
  public record Header(Format format, int width, int height) {}

  private final int maxWidth;
  private final int maxHeight;
  private final long maxPixels;

  private ImageLoader(int maxWidth, int maxHeight, long maxPixels) {
    if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
      throw new ConfigurationException(
          "image size limits must be at least 1x1 pixel but are " + maxWidth + "x" + maxHeight + ", " + maxPixels + " pixels");
    }
    this.maxWidth = maxWidth;
    this.maxHeight = maxHeight;
    this.maxPixels = maxPixels;
  }

  /** A loader that accepts images of up to {@link ImageRef#DEFAULT_MAX_PIXELS} pixels. */
  public static ImageLoader withDefaultLimits() {
    return new ImageLoader(DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE, ImageRef.DEFAULT_MAX_PIXELS);
  }

  /** A loader that accepts images up to {@code maxWidth x maxHeight} pixels. */
  public static ImageLoader withLimits(int maxWidth, int maxHeight) {
    return new ImageLoader(maxWidth, maxHeight, (long) maxWidth * maxHeight);
  }

  /** A loader that accepts images of up to {@code maxPixels} pixels (and at most 65535 on a side). */
  public static ImageLoader withMaxPixels(long maxPixels) {
    return new ImageLoader(DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE, maxPixels);
  }

  /**
   * A loader configured by the keys {@code max-pixels} (default {@link ImageRef#DEFAULT_MAX_PIXELS}),
   * {@code max-width} and {@code max-height} (each 1 to 65535, default {@value #DEFAULT_MAX_SIDE}).
   */
  public static ImageLoader fromConfig(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of("max-pixels", "max-width", "max-height"));
    return new ImageLoader(
        config.getInt("max-width", DEFAULT_MAX_SIDE, 1, 65535),
        config.getInt("max-height", DEFAULT_MAX_SIDE, 1, 65535),
        config.getLong("max-pixels", ImageRef.DEFAULT_MAX_PIXELS));
  }

  /** The most pixels (width x height) an image may have. */
  public long maxPixels() {
    return maxPixels;
  }

  public int maxWidth() {
    return maxWidth;
  }

  public int maxHeight() {
    return maxHeight;
  }

  /** Reads an image file. */
  public BufferedImage read(Path file) {
    return read(ImageRef.of(file));
  }

  /** Reads the image behind {@code ref} (decoding it, or copying {@link ImageRef.OfPixels}). */
  public BufferedImage read(ImageRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref instanceof ImageRef.OfPixels px) {
      checkSize(ref.describe(), px.width(), px.height());
      BufferedImage img = new BufferedImage(px.width(), px.height(), BufferedImage.TYPE_INT_ARGB);
      img.getRaster().setDataElements(0, 0, px.width(), px.height(), px.argb());
      return img;
    }
    return withReader(ref, true, (reader, header) -> decode(ref.describe(), reader));
  }

  /** Reads the image behind {@code ref} as packed {@code 0xAARRGGBB} pixels. */
  public ImageRef.OfPixels readPixels(ImageRef ref) {
    if (ref instanceof ImageRef.OfPixels px) {
      checkSize(ref.describe(), px.width(), px.height());
      return px;
    }
    BufferedImage img = read(ref);
    int w = img.getWidth();
    int h = img.getHeight();
    return new ImageRef.OfPixels(w, h, img.getRGB(0, 0, w, h, null, 0, w));
  }

  /**
   * Reads only the format and size of the image behind {@code ref}, without decoding pixels and
   * without applying the size limit.
   */
  public Header header(ImageRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref instanceof ImageRef.OfPixels) {
      throw new InvalidInputException("image", "decoded pixels " + ref.describe() + " have no encoded header");
    }
    return withReader(ref, false, (reader, header) -> header);
  }

  @FunctionalInterface
  private interface ReaderTask<T> {
    T run(ImageReader reader, Header header) throws IOException;
  }

  private <T> T withReader(ImageRef ref, boolean enforceLimit, ReaderTask<T> task) {
    String name = ref.describe();
    try (ImageInputStream in = open(ref)) {
      ImageReader reader = pickReader(name, in);
      try {
        reader.setInput(in, true, false);
        Format format = formatOf(reader);
        Header header = new Header(format, reader.getWidth(0), reader.getHeight(0));
        if (enforceLimit) {
          checkSize(name, header.width(), header.height());
        }
        return task.run(reader, header);
      } finally {
        reader.dispose();
      }
    } catch (VimiException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "image", "cannot read image " + name + ": " + reason(e) + "; the file may be truncated or corrupt", e);
    } catch (OutOfMemoryError e) {
      throw new InvalidInputException(
          "image", "not enough memory to decode image " + name + "; lower the image size limit or give Java more memory", e);
    }
  }

  private static ImageInputStream open(ImageRef ref) throws IOException {
    return switch (ref) {
      case ImageRef.OfPath p -> openFile(p.path());
      case ImageRef.OfUri u -> {
        String scheme = u.uri().getScheme() == null ? "" : u.uri().getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
          yield openFile(Path.of(u.uri()));
        }
        if (!scheme.equals("jar")) {
          throw new InvalidInputException(
              "image",
              "cannot read image "
                  + u.uri()
                  + ": only local files and file: or jar: URIs are read (nothing is downloaded at run time); "
                  + "download the image and pass the file");
        }
        InputStream s = u.uri().toURL().openStream();
        yield new MemoryCacheImageInputStream(s) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              s.close();
            }
          }
        };
      }
      case ImageRef.OfBytes b -> new MemoryCacheImageInputStream(new ByteArrayInputStream(b.data()));
      case ImageRef.OfPixels px -> throw new IllegalStateException("pixels are not decoded");
    };
  }

  private static ImageInputStream openFile(Path file) throws IOException {
    if (!Files.exists(file)) {
      throw new InvalidInputException("image", "image file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("image", file + " is not a file; give the path of a PNG, JPEG or WebP image");
    }
    if (!Files.isReadable(file)) {
      throw new InvalidInputException("image", "image file " + file + " is not readable (permission denied)");
    }
    return new FileImageInputStream(file.toFile());
  }

  private static ImageReader pickReader(String name, ImageInputStream in) throws IOException {
    Iterator<ImageReader> it = ImageIO.getImageReaders(in);
    String other = null;
    while (it.hasNext()) {
      ImageReader r = it.next();
      try {
        formatOf(r);
        return r;
      } catch (InvalidInputException e) {
        other = r.getFormatName();
        r.dispose();
      }
    }
    if (other != null) {
      throw new InvalidInputException(
          "image", name + " is a " + other.toUpperCase(Locale.ROOT) + " image; vimi reads PNG, JPEG and WebP: convert it");
    }
    throw new InvalidInputException(
        "image", name + " is not a PNG, JPEG or WebP image (its content is not recognised); check the file");
  }

  private static Format formatOf(ImageReader r) throws IOException {
    String f = r.getFormatName().toLowerCase(Locale.ROOT);
    return switch (f) {
      case "png" -> Format.PNG;
      case "jpeg", "jpg" -> Format.JPEG;
      case "webp" -> Format.WEBP;
      default -> throw new InvalidInputException("image", "unsupported format " + f);
    };
  }

  private void checkSize(String name, int w, int h) {
    if (w > maxWidth || h > maxHeight) {
      throw new InvalidInputException(
          "image",
          "image " + name + " is " + w + "x" + h + " pixels, larger than the limit of " + maxWidth + "x" + maxHeight
              + "; resize it, or raise the limit (max-width, max-height) if you trust the file");
    }
    long pixels = (long) w * h;
    if (pixels > maxPixels) {
      throw new InvalidInputException(
          "image",
          String.format(
              Locale.ROOT,
              "image %s is %dx%d = %,d pixels, more than the limit of %,d; it was refused before decoding. Resize it"
                  + " (the encoder scales every image down to its small input size anyway), or raise the limit"
                  + " (max-pixels) if you trust the file and have the memory (about 4 bytes per pixel, twice)",
              name, w, h, pixels, maxPixels));
    }
  }

  private static BufferedImage decode(String name, ImageReader reader) throws IOException {
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    BufferedImage raw = reader.read(0);
    for (String w : warnings) {
      String lw = w.toLowerCase(Locale.ROOT);
      if (lw.contains("premature end") || lw.contains("truncat") || lw.contains("corrupt")) {
        throw new InvalidInputException("image", "image " + name + " is truncated or corrupt (" + w + "); check the file");
      }
      LOG.warn("while reading image {}: {}", name, w);
    }
    return toIntRgb(raw);
  }

  /** The image as TYPE_INT_RGB or TYPE_INT_ARGB (sRGB), converting if needed. */
  static BufferedImage toIntRgb(BufferedImage src) {
    boolean alpha = src.getColorModel().hasAlpha();
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    if (src.getType() == type) {
      return src;
    }
    BufferedImage dst = new BufferedImage(src.getWidth(), src.getHeight(), type);
    Graphics2D g = dst.createGraphics();
    try {
      g.setComposite(AlphaComposite.Src);
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    return dst;
  }

  /** The most specific message in the cause chain; "unexpected end of file" for a bare EOF. */
  private static String reason(Throwable e) {
    Throwable t = e;
    String msg = null;
    while (t != null) {
      if (t instanceof java.io.EOFException && (t.getMessage() == null || t.getMessage().isBlank())) {
        msg = "unexpected end of file";
      } else if (t.getMessage() != null && !t.getMessage().isBlank()) {
        msg = t.getMessage();
      }
      if (t.getCause() == null || t.getCause() == t) {
        break;
      }
      t = t.getCause();
    }
    return msg == null ? e.getClass().getSimpleName() : msg;
  }
}
