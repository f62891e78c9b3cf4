package dev.vimi.video.internal;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.util.List;

/**
 * Provider {@code "mp4"}: MP4 files with H.264 video, encoded in pure Java by jcodec.
 *
 * <ul>
 *   <li><b>Codec.</b> H.264 Baseline profile (I and P frames, CAVLC), 4:2:0, in an ISO base media
 *       file (brand {@code isom}) that browsers and common players open; the level is the smallest
 *       from 3.0 up that the frame size and rate need. No audio.
 *   <li><b>Odd sizes.</b> 4:2:0 H.264 stores even sizes only, so a frame with an odd width or height
 *       (after upscaling) is <em>padded</em> by one pixel that repeats the last column or row: a
 *       35x21 video is stored as 36x22. Nothing is scaled or cut off. Sizes that are not multiples
 *       of 16 are coded with cropping, so they come out exact.
 *   <li><b>Colour.</b> BT.601 matrix, limited range (16-235), and the stream says so (VUI colour
 *       description), so players do not have to guess. 4:2:0 keeps colour at half resolution: on
 *       tiny videos (36x64) write with a scale of 2 or more, which keeps every pixel's colour.
 *   <li><b>Time base.</b> Whole frame rates and the NTSC rates (23.976, 29.97, 59.94) are exact;
 *       others are kept to the millisecond.
 *   <li><b>Quality.</b> A constant quantiser. At the default, smooth content comes back within a
 *       mean absolute error of about 3 levels of 255 per channel (measured with jcodec's and
 *       FFmpeg's decoders).
 * </ul>
 *
 * <p>Configuration keys: {@code qp} (0-51, default {@value #DEFAULT_QP}): the H.264 quantiser,
 * lower is better quality and larger files; {@code key-interval} (1-1000, default {@value
 * #DEFAULT_KEY_INTERVAL}): frames from one key frame to the next. Any other key is refused with the
 * closest known one.
 *
 * <p>Immutable and thread-safe; so are the writers it creates.
 */
public final class Mp4WriterProvider implements VideoWriterProvider {
  /** Default quantiser: visually lossless on smooth generated content. */
  public static final int DEFAULT_QP = 20;

  /** Default distance between key frames. */
  public static final int DEFAULT_KEY_INTERVAL = 25;

  /** Creates the provider; cheap, loads no codec. */
  public Mp4WriterProvider() {}

  @Override
  public String name() {
    return "mp4";
  }

  @Override
  public String description() {
    return "MP4 with H.264 video (jcodec, pure Java)";
  }

  @Override
  public List<String> extensions() {
    return List.of("mp4");
  }

  @Override
  public VideoWriter create(ProviderConfig config) {
    config.requireKnownKeys(java.util.List.of("qp", "key-interval"));
    int qp = config.getInt("qp", DEFAULT_QP, 0, 51);
    int keyInterval = config.getInt("key-interval", DEFAULT_KEY_INTERVAL, 1, 1000);
    return new Mp4Writer(qp, keyInterval);
  }
}
