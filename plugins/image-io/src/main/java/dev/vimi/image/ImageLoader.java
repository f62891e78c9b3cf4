package dev.vimi.image;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VimiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads input images (a subject's photo, a first frame, a retrieved memory image) in PNG, JPEG or
 * WebP, safely, with one set of rules for every vimi component.
 *
 * <ul>
 *   <li><b>Formats.</b> Recognised by content ({@link ImageFormat#sniff}), not by file name. PNG and
 *       RGB or grey JPEG through the JDK's readers; CMYK and YCCK JPEG through TwelveMonkeys' JPEG
 *       reader; WebP (lossy, lossless, with alpha; the first frame of an animation) through
 *       TwelveMonkeys' WebP reader. The readers are chosen here, not by the order of the global ImageIO
 *       registry, so the result does not depend on what else sits on the class path. GIF, BMP, TIFF and
 *       anything else are refused with a message that says what the input looks like.
 *   <li><b>Size limit, before decoding.</b> The width and height are read from the header first; an
 *       image of more pixels than the limit (default {@link ImageRef#DEFAULT_MAX_PIXELS}, the limit
 *       every vimi component applies) or wider or higher than the side limit (default {@value
 *       #DEFAULT_MAX_SIDE}) is refused before any pixel is decoded. The same check ({@link
 *       #checkSize}) applies to {@link ImageRef.OfPixels}, and a caller that reads only the {@link
 *       #header} applies it with {@link #checkSize}: the header check and the decode limit are one rule.
 *   <li><b>One colour rule.</b> 8-bit RGB(A) samples are taken as stored (an embedded RGB ICC profile
 *       is not applied) and grey samples are replicated to R = G = B without gamma conversion, as
 *       Pillow's {@code convert("RGBA")} does, so that Java and the Python training code see the same
 *       pixels; 16-bit samples are rounded to 8 bits; palette images use their palette and its alpha.
 *       CMYK and YCCK JPEGs are converted to sRGB by TwelveMonkeys: through the ICC profile embedded in
 *       the file when there is one, otherwise through its generic CMYK profile, which is the system's
 *       profile where TwelveMonkeys knows one (macOS: {@code Generic CMYK Profile.icc}, Windows: {@code
 *       RSWOP.icm}) and elsewhere the uncalibrated formula {@code R = 255 (1 - C)(1 - K)}, {@code G =
 *       255 (1 - M)(1 - K)}, {@code B = 255 (1 - Y)(1 - K)}. Adobe's inverted CMYK convention (APP14
 *       marker) is honoured.
 *   <li><b>Broken files.</b> A missing, unreadable, truncated or corrupt input is an {@link
 *       InvalidInputException} (field {@code "image"}) whose message names the input. Truncated JPEGs,
 *       which decoders would otherwise fill with grey and accept, are refused too; other decoder
 *       warnings (such as extraneous bytes before a marker, common in camera files) are logged.
 * </ul>
 *
 * <p>Only local sources are read: files, {@code file:} and {@code jar:} URIs, bytes and pixels. Other
 * URIs ({@code http:}, ...) are refused, since nothing is downloaded at run time.
 *
 * <p><b>Ownership.</b> Returned images and pixel arrays are new and owned by the caller, except that
 * {@link #readPixels} returns an {@link ImageRef.OfPixels} input unchanged. Input byte arrays are read,
 * never kept or modified.
 *
 * <p><b>Threads.</b> Immutable and thread-safe: each call creates, uses and disposes its own ImageIO
 * reader. Calls block while they read files and decode.
 */
public final class ImageLoader {
  private static final Logger LOG = LoggerFactory.getLogger(ImageLoader.class);

  /** Default largest width and height, in pixels; the pixel count is limited by {@link ImageRef#DEFAULT_MAX_PIXELS}. */
  public static final int DEFAULT_MAX_SIDE = 65_535;

  private static final String DEFAULT_PIXELS_SETTING = "max-pixels";

  /** What the header of an image says, read without decoding pixels. */
  public record Header(ImageFormat format, int width, int height) {}

  private final int maxWidth;
  private final int maxHeight;
  private final long maxPixels;
  private final String pixelsSetting;

  private ImageLoader(int maxWidth, int maxHeight, long maxPixels, String pixelsSetting) {
    if (maxWidth < 1 || maxHeight < 1 || maxPixels < 1) {
      throw new ConfigurationException(
          "image size limits must be at least 1x1 pixel but are " + maxWidth + "x" + maxHeight + ", " + maxPixels + " pixels");
    }
    this.maxWidth = maxWidth;
    this.maxHeight = maxHeight;
    this.maxPixels = maxPixels;
    this.pixelsSetting = Objects.requireNonNull(pixelsSetting, "pixelsSetting");
  }

  /** A loader that accepts images of up to {@link ImageRef#DEFAULT_MAX_PIXELS} pixels. */
  public static ImageLoader withDefaultLimits() {
    return new ImageLoader(DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE, ImageRef.DEFAULT_MAX_PIXELS, DEFAULT_PIXELS_SETTING);
  }

  /** A loader that accepts images up to {@code maxWidth x maxHeight} pixels. */
  public static ImageLoader withLimits(int maxWidth, int maxHeight) {
    return new ImageLoader(maxWidth, maxHeight, (long) maxWidth * maxHeight, DEFAULT_PIXELS_SETTING);
  }

  /** A loader that accepts images of up to {@code maxPixels} pixels (and at most 65535 on a side). */
  public static ImageLoader withMaxPixels(long maxPixels) {
    return new ImageLoader(DEFAULT_MAX_SIDE, DEFAULT_MAX_SIDE, maxPixels, DEFAULT_PIXELS_SETTING);
  }

  /**
   * A loader configured by the keys {@code max-pixels} (default {@link ImageRef#DEFAULT_MAX_PIXELS}),
   * {@code max-width} and {@code max-height} (each 1 to 65535, default {@value #DEFAULT_MAX_SIDE}).
   * Unknown keys are refused.
   */
  public static ImageLoader fromConfig(ProviderConfig config) {
    config.requireKnownKeys(List.of("max-pixels", "max-width", "max-height"));
    return new ImageLoader(
        config.getInt("max-width", DEFAULT_MAX_SIDE, 1, 65535),
        config.getInt("max-height", DEFAULT_MAX_SIDE, 1, 65535),
        config.getLong("max-pixels", ImageRef.DEFAULT_MAX_PIXELS),
        DEFAULT_PIXELS_SETTING);
  }

  /**
   * This loader with the pixel limit named {@code setting} in its refusals, for a component whose own
   * configuration key sets the limit (the mllm encoder's {@code max_image_pixels}).
   */
  public ImageLoader namingLimit(String setting) {
    return new ImageLoader(maxWidth, maxHeight, maxPixels, setting);
  }

  /** The most pixels (width x height) an image may have. */
  public long maxPixels() {
    return maxPixels;
  }

  /** The largest width accepted. */
  public int maxWidth() {
    return maxWidth;
  }

  /** The largest height accepted. */
  public int maxHeight() {
    return maxHeight;
  }

  /** Reads an image file. */
  public BufferedImage read(Path file) {
    return read(ImageRef.of(file));
  }

  /**
   * Reads the image behind {@code ref} (decoding it, or copying {@link ImageRef.OfPixels}) as {@link
   * BufferedImage#TYPE_INT_RGB}, or {@link BufferedImage#TYPE_INT_ARGB} when it has alpha.
   */
  public BufferedImage read(ImageRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref instanceof ImageRef.OfPixels px) {
      checkSize(label(ref), px.width(), px.height());
      BufferedImage img = new BufferedImage(px.width(), px.height(), BufferedImage.TYPE_INT_ARGB);
      img.getRaster().setDataElements(0, 0, px.width(), px.height(), px.argb());
      return img;
    }
    String what = label(ref);
    Decoded d = withReader(what, open(ref, what), true, (r, h) -> ImageReading.decode(what, r));
    int type = d.alpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    BufferedImage img = new BufferedImage(d.width(), d.height(), type);
    img.getRaster().setDataElements(0, 0, d.width(), d.height(), d.argb());
    return img;
  }

  /** Reads the image behind {@code ref} as packed {@code 0xAARRGGBB} pixels. */
  public ImageRef.OfPixels readPixels(ImageRef ref) {
    return readPixels(ref, label(ref));
  }

  /**
   * Reads the image behind {@code ref} as packed {@code 0xAARRGGBB} pixels; {@code what} names it in
   * error messages (e.g. {@code "image 2 (cat.png)"}). Pixels pass through after the size check.
   */
  public ImageRef.OfPixels readPixels(ImageRef ref, String what) {
    Objects.requireNonNull(ref, "ref");
    if (ref instanceof ImageRef.OfPixels px) {
      checkSize(what, px.width(), px.height());
      return px;
    }
    if (ref instanceof ImageRef.OfBytes b) {
      return decode(b.data(), what);
    }
    Decoded d = withReader(what, open(ref, what), true, (r, h) -> ImageReading.decode(what, r));
    return new ImageRef.OfPixels(d.width(), d.height(), d.argb());
  }

  /**
   * Decodes encoded image bytes (not copied, not kept) into packed {@code 0xAARRGGBB} pixels; {@code
   * what} names the image in error messages.
   */
  public ImageRef.OfPixels decode(byte[] encoded, String what) {
    Objects.requireNonNull(encoded, "encoded");
    Decoded d = withReader(what, bytes(encoded), true, (r, h) -> ImageReading.decode(what, r));
    return new ImageRef.OfPixels(d.width(), d.height(), d.argb());
  }

  /**
   * Reads only the format and size of the image behind {@code ref}, without decoding pixels and
   * without applying the size limit ({@link #checkSize} applies it).
   */
  public Header header(ImageRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (ref instanceof ImageRef.OfPixels) {
      throw new InvalidInputException("image", "decoded pixels " + ref.describe() + " have no encoded header");
    }
    return withReader(label(ref), open(ref, label(ref)), false, (reader, header) -> header);
  }

  /**
   * Refuses an image of {@code width x height} that this loader would not decode; {@code what} names
   * it in the message.
   *
   * @throws InvalidInputException if the image is larger than the limits
   */
  public void checkSize(String what, long width, long height) {
    if (width < 1 || height < 1) {
      throw new InvalidInputException("image", what + " declares a size of " + width + "x" + height + "; the file is damaged");
    }
    if (width > maxWidth || height > maxHeight) {
      throw new InvalidInputException(
          "image",
          what + " is " + width + "x" + height + " pixels, larger than the limit of " + maxWidth + "x" + maxHeight
              + (pixelsSetting.equals(DEFAULT_PIXELS_SETTING)
                  ? "; resize it, or raise the limit (max-width, max-height) if you trust the file"
                  : "; resize it"));
    }
    long pixels = width * height;
    if (pixels > maxPixels) {
      throw new InvalidInputException(
          "image",
          String.format(
              Locale.ROOT,
              "%s is %dx%d = %,d pixels, more than the limit of %,d; it was refused before decoding. Resize it"
                  + " (the encoder scales every image down to its small input size anyway), or raise the limit"
                  + " (%s) if you trust the file and have the memory (about 4 bytes per pixel, twice)",
              what, width, height, pixels, maxPixels, pixelsSetting));
    }
  }

  // ------------------------------------------------------------------------------------------------

  /** Decoded pixels and whether the source had alpha. */
  record Decoded(int width, int height, int[] argb, boolean alpha) {}

  @FunctionalInterface
  interface ReaderTask<T> {
    T run(javax.imageio.ImageReader reader, Header header) throws IOException;
  }

  @FunctionalInterface
  private interface Source {
    ImageInputStream open() throws IOException;
  }

  private static String label(ImageRef ref) {
    return "image " + ref.describe();
  }

  private <T> T withReader(String what, Source source, boolean enforceLimit, ReaderTask<T> task) {
    try (ImageInputStream in = source.open()) {
      ImageReading.Opened opened = ImageReading.open(what, in);
      try {
        int w;
        int h;
        try {
          w = opened.reader().getWidth(0);
          h = opened.reader().getHeight(0);
        } catch (IOException | RuntimeException e) {
          throw new InvalidInputException(
              "image",
              what + " looks like " + opened.format() + " but its header cannot be read (" + reason(e)
                  + "); the file is truncated or corrupt",
              e);
        }
        Header header = new Header(opened.format(), w, h);
        if (enforceLimit) {
          checkSize(what, w, h);
        }
        return task.run(opened.reader(), header);
      } finally {
        opened.reader().dispose();
      }
    } catch (VimiException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "image", what + " cannot be read: " + reason(e) + "; the file is truncated or corrupt", e);
    } catch (OutOfMemoryError e) {
      throw new InvalidInputException(
          "image", "not enough memory to decode " + what + "; lower the image size limit or give Java more memory", e);
    }
  }

  private static Source bytes(byte[] data) {
    return () -> new MemoryCacheImageInputStream(new ByteArrayInputStream(data));
  }

  private static Source open(ImageRef ref, String what) {
    return switch (ref) {
      case ImageRef.OfPath p -> () -> openFile(p.path(), what);
      case ImageRef.OfUri u -> () -> {
        String scheme = u.uri().getScheme() == null ? "" : u.uri().getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
          return openFile(Path.of(u.uri()), what);
        }
        if (!scheme.equals("jar")) {
          throw new InvalidInputException(
              "image",
              "cannot read " + what + ": only local files and file: or jar: URIs are read (nothing is downloaded"
                  + " at run time); download the image and pass the file");
        }
        InputStream s = u.uri().toURL().openStream();
        return new MemoryCacheImageInputStream(s) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              s.close();
            }
          }
        };
      };
      case ImageRef.OfBytes b -> bytes(b.data());
      case ImageRef.OfPixels px -> throw new IllegalStateException("pixels are not decoded");
    };
  }

  private static ImageInputStream openFile(Path file, String what) throws IOException {
    if (!Files.exists(file)) {
      throw new InvalidInputException("image", what + ": the file " + file + " does not exist");
    }
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException("image", what + ": " + file + " is not a file; give the path of a PNG, JPEG or WebP image");
    }
    if (!Files.isReadable(file)) {
      throw new InvalidInputException("image", what + ": the file " + file + " is not readable (permission denied)");
    }
    return new FileImageInputStream(file.toFile());
  }

  /** Logs decoder warnings; truncation warnings are refusals. */
  static void checkWarnings(String what, List<String> warnings) {
    for (String w : warnings) {
      String lw = w.toLowerCase(Locale.ROOT);
      if (lw.contains("premature end") || lw.contains("truncat")) {
        throw new InvalidInputException("image", what + " is truncated or corrupt (" + w + "); check the file");
      }
      LOG.warn("while reading {}: {}", what, w);
    }
  }

  static List<String> warningsOf(javax.imageio.ImageReader reader) {
    List<String> warnings = new ArrayList<>();
    reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    return warnings;
  }

  /** The most specific message in the cause chain; "unexpected end of file" for a bare EOF. */
  static String reason(Throwable e) {
    Throwable t = e;
    String msg = null;
    while (t != null) {
      if (t instanceof EOFException && (t.getMessage() == null || t.getMessage().isBlank())) {
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
