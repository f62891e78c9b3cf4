package dev.vimi.video.internal;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.util.List;

/**
 * Provider {@code "png"}: a folder of lossless 8-bit RGB PNG files, one per frame, named {@code
 * frame_0000.png}, {@code frame_0001.png}, ... in frame order. The target is a folder path (no
 * extension); an existing folder is replaced only if it holds nothing but such frames, so a folder
 * of someone's own files is never deleted. The folder appears complete or not at all.
 *
 * <p>No configuration keys (any key is refused). Immutable and thread-safe; so are the writers it creates.
 */
public final class PngFramesWriterProvider implements VideoWriterProvider {

  /** Creates the provider. */
  public PngFramesWriterProvider() {}

  @Override
  public String name() {
    return "png";
  }

  @Override
  public String description() {
    return "a folder of PNG frames (frame_0000.png, ...)";
  }

  /** Empty: this writer produces a folder. */
  @Override
  public List<String> extensions() {
    return List.of();
  }

  @Override
  public VideoWriter create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of());
    return new PngFramesWriter();
  }
}
