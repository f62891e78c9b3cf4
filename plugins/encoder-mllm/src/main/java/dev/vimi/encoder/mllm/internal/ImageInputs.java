package dev.vimi.encoder.mllm.internal;

import dev.vimi.image.ImageLoader;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/**
 * Reads a prompt's images within the limits (max_image_bytes before reading, max_image_pixels before
 * decoding, through {@code dev.vimi.image}) and turns them into the vision tower's input with the
 * {@link ImagePreprocessor}. Never downloads: only bytes, pixels, files and {@code file:}/{@code jar:}
 * URIs are read. Immutable and thread-safe.
 */
public final class ImageInputs {
  private final int maxBytes;
  private final ImageLoader loader;
  private final ImagePreprocessor preprocessor;

  public ImageInputs(EncoderSettings s) {
    this.maxBytes = s.maxImageBytes();
    this.loader = ImageLoader.withMaxPixels(s.maxImagePixels()).namingLimit("max_image_pixels");
    this.preprocessor = new ImagePreprocessor(s.imageSize(), s.mean(), s.std(), s.background());
  }

  /**
   * The bytes (or pixels) of image {@code index} of a prompt; not decoded yet.
   *
   * @throws InvalidInputException if it is too large, missing, unreadable or remote
   */
  public LoadedImage load(ImageRef ref, int index) {
    String what = "image " + (index + 1) + " (" + ref.describe() + ")";
    int max = maxBytes;
    try {
      return switch (ref) {
        case ImageRef.OfBytes b -> new LoadedImage(what, checkBytes(b.data(), what), null);
        case ImageRef.OfPixels p -> new LoadedImage(what, null, p);
        case ImageRef.OfPath p -> {
          long size = Files.size(p.path());
          if (size > max) {
            throw new InvalidInputException("image", what + " has " + size + " bytes, more than the limit of " + max + " (configuration key max_image_bytes)");
          }
          yield new LoadedImage(what, Files.readAllBytes(p.path()), null);
        }
        case ImageRef.OfUri u -> {
          String scheme = u.uri().getScheme() == null ? "" : u.uri().getScheme().toLowerCase(Locale.ROOT);
          if (!scheme.equals("file") && !scheme.equals("jar")) {
            throw new InvalidInputException(
                "image",
                what + " has a '" + scheme + ":' URI; this encoder never downloads: fetch the image yourself and pass"
                    + " its bytes or a path (file: and jar: URIs are read)");
          }
          try (InputStream in = u.uri().toURL().openStream()) {
            byte[] data = in.readNBytes(max + 1);
            yield new LoadedImage(what, checkBytes(data, what), null);
          }
        }
      };
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("image", what + " does not exist", e);
    } catch (IOException e) {
      throw new InvalidInputException("image", what + " cannot be read: " + e, e);
    }
  }

  private byte[] checkBytes(byte[] data, String what) {
    if (data.length > maxBytes) {
      throw new InvalidInputException(
          "image", what + " has more than " + maxBytes + " bytes (configuration key max_image_bytes)");
    }
    return data;
  }

  /**
   * Decodes {@code img} (or checks its pixels) and preprocesses it: the vision tower's {@code [3, S,
   * S]} input.
   *
   * @throws InvalidInputException if it is not an image this library decodes, or too large
   */
  public float[] pixels(LoadedImage img) {
    ImageRef.OfPixels px = img.pixels() != null ? loader.readPixels(img.pixels(), img.what()) : loader.decode(img.bytes(), img.what());
    return preprocessor.apply(px);
  }
}
