package dev.vimi.video.internal;

import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of PNG frames, {@code frame_0000.png}, {@code frame_0001.png}, ... See {@link
 * PngFramesWriterProvider}. Stateless and thread-safe.
 */
final class PngFramesWriter implements VideoWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PngFramesWriter.class);
  private static final Pattern FRAME_NAME = Pattern.compile("frame_\\d{4,}\\.png");

  @Override
  public void write(Video video, Path target, int scale) throws IOException {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(target, "target");
    FrameImages.checkScale(video, scale);
    OutputTargets.writeFolder(
        target,
        "PNG frames",
        name -> FRAME_NAME.matcher(name).matches(),
        dir -> {
          for (int t = 0; t < video.frameCount(); t++) {
            OutputTargets.checkInterrupt(target);
            Pngs.write(FrameImages.image(video, t, scale), dir.resolve(frameName(t)));
          }
        });
    LOG.debug("wrote {} PNG frames to {}", video.frameCount(), target);
  }

  /** The file name of frame {@code t}: {@code frame_0007.png}; more digits past 9999 frames. */
  static String frameName(int t) {
    return String.format(Locale.ROOT, "frame_%04d.png", t);
  }
}
