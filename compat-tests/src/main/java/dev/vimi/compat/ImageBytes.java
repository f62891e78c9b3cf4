package dev.vimi.compat;

import dev.vimi.spi.ImageRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Reads the encoded bytes behind an {@link ImageRef} (path, file/jar URI, or bytes), for comparisons. */
public final class ImageBytes {
  private ImageBytes() {}

  /** The bytes, or null for decoded pixels. */
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
}
