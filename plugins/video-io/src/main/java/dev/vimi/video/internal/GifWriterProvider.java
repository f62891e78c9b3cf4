package dev.vimi.video.internal;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.util.List;

/**
 * Provider {@code "gif"}: animated GIF, written with the JDK's {@code javax.imageio} GIF writer.
 *
 * <ul>
 *   <li><b>Frame delay.</b> GIF delays are whole hundredths of a second (cs). Frame {@code i} starts
 *       at {@code round(100 * i / fps)} cs, so delays alternate where {@code 100 / fps} is not whole:
 *       at 24 fps (4.17 cs) they run 4, 4, 5, 4, 4, 4, 4, 4, 5, ... and 16 frames last 67 cs (exact:
 *       66.7). At 25 fps every delay is 4 cs, at 10 fps 10 cs. Browsers show delays below 2 cs as
 *       10 cs, so every delay is at least {@value #MIN_DELAY_CS} cs: videos faster than 50 fps play
 *       at 50 fps (a warning is logged).
 *   <li><b>Looping.</b> A NETSCAPE2.0 application extension; loops forever by default.
 *   <li><b>Colours.</b> Each frame gets its own 256-colour palette (the JDK's octree quantiser, no
 *       dithering): frames with at most 256 colours are exact, smooth gradients may band.
 *       Disposal method "none", no transparency.
 * </ul>
 *
 * <p>Configuration key: {@code loop} (0-65535, default 0): how many times the animation repeats,
 * 0 for forever. Any other key is refused with the closest known one.
 *
 * <p>Immutable and thread-safe; so are the writers it creates.
 */
public final class GifWriterProvider implements VideoWriterProvider {
  /** Shortest frame delay written, in hundredths of a second. */
  public static final int MIN_DELAY_CS = 2;

  /** Creates the provider. */
  public GifWriterProvider() {}

  @Override
  public String name() {
    return "gif";
  }

  @Override
  public String description() {
    return "animated GIF (javax.imageio), looping";
  }

  @Override
  public List<String> extensions() {
    return List.of("gif");
  }

  @Override
  public VideoWriter create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of("loop"));
    return new GifWriter(config.getInt("loop", 0, 0, 65535));
  }
}
