package dev.vimi.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where the pixels of an image come from: a file, a URI, encoded bytes (PNG, JPEG, WebP, ...), or
 * decoded pixels. Decoding is the business of whoever consumes the image (a condition encoder);
 * this type only carries the reference.
 *
 * <p>All variants are immutable: byte and pixel arrays are copied in and out.
 */
public sealed interface ImageRef permits ImageRef.OfPath, ImageRef.OfUri, ImageRef.OfBytes, ImageRef.OfPixels {

  /**
   * The one default limit on the pixels of an input image that every vimi component applies (the
   * command line's image loader, the condition encoder): 40,000,000 pixels, e.g. 6324 x 6324 or
   * 8000 x 5000. A larger image is refused from its header, before any pixel is decoded (decoding
   * 64 Mpx costs over 2 GB of memory). Components offer a setting to raise it.
   */
  long DEFAULT_MAX_PIXELS = 40_000_000L;


  /** Short human-readable description for logs and listings (never the bytes). */
  String describe();

  static ImageRef of(Path path) {
    return new OfPath(path);
  }

  static ImageRef of(URI uri) {
    return new OfUri(uri);
  }

  static ImageRef ofBytes(byte[] encoded) {
    return new OfBytes(encoded);
  }

  /** An image file on a local file system. */
  record OfPath(Path path) implements ImageRef {
    public OfPath {
      Objects.requireNonNull(path, "path");
    }

    @Override
    public String describe() {
      return path.toString();
    }
  }

  /** An image behind a URI ({@code file:}, {@code jar:}, {@code http(s):}, ...). */
  record OfUri(URI uri) implements ImageRef {
    public OfUri {
      Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String describe() {
      return uri.toString();
    }
  }

  /** An encoded image held in memory. */
  record OfBytes(byte[] data) implements ImageRef {
    public OfBytes {
      Objects.requireNonNull(data, "data");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public String describe() {
      return "<" + data.length + " bytes>";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OfBytes other && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "OfBytes[" + data.length + " bytes]";
    }
  }

  /** Decoded pixels, row-major, as packed {@code 0xAARRGGBB} ints. */
  record OfPixels(int width, int height, int[] argb) implements ImageRef {
    public OfPixels {
      if (width <= 0 || height <= 0) {
        throw new InvalidInputException("image", "width and height must be positive, got " + width + "x" + height);
      }
      Objects.requireNonNull(argb, "argb");
      if (argb.length != (long) width * height) {
        throw new InvalidInputException(
            "image", width + "x" + height + " pixels need " + (long) width * height + " values, got " + argb.length);
      }
      argb = argb.clone();
    }

    @Override
    public int[] argb() {
      return argb.clone();
    }

    @Override
    public String describe() {
      return "<" + width + "x" + height + " pixels>";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof OfPixels other
          && width == other.width
          && height == other.height
          && Arrays.equals(argb, other.argb);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * width + height) + Arrays.hashCode(argb);
    }

    @Override
    public String toString() {
      return "OfPixels[" + width + "x" + height + "]";
    }
  }
}
