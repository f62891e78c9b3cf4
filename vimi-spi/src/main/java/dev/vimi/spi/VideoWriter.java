package dev.vimi.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a video to a file or folder in one format (MP4, GIF, PNG frames, ...).
 *
 * <p>Writers never leave partial output: on failure the target does not exist (implementations
 * write to a temporary sibling and move it into place). Implementations are thread-safe.
 */
public interface VideoWriter {

  /**
   * Writes {@code video} to {@code target}, replacing it.
   *
   * @param scale integer upscale factor for viewing tiny videos (nearest neighbour), at least 1
   */
  void write(Video video, Path target, int scale) throws IOException;
}
