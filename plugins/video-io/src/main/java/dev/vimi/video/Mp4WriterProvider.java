package dev.vimi.video;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import java.util.List;

/**
 * Provider {@code "mp4"}: MP4 files with H.264 video, encoded in pure Java by jcodec.
 *
 * <ul>
 *   <li><b>Codec.</b> H.264 Constrained Baseline (I and P frames, CAVLC), 4:2:0, in an ISO base media
 *       file (brand {@code isom}) that browsers and common players open. No audio.
 *   <li><b>Odd sizes.</b> 4:2:0 H.264 stores even sizes only, so a frame with an odd width or height
 *       (after upscaling) is <em>padded</em> by one pixel that repeats the last column or row: a
 *       35x63 video is stored as 36x64. Nothing is scaled or cut off. Sizes that are not multiples
 *       of 16 are coded with cropping, so they come out exact.
 *   <li><b>Colour.</b> BT.601 matrix, limited range (16-235), and the stream says so (VUI colour
 *       description), so players do not have to guess.
 *   <li><b>Time base.</b> See {@code FrameRate}: whole and NTSC rates are exact.
 * </ul>
 *
 * <p>Configuration keys: {@code qp} (0-51, default {@value #DEFAULT_QP}): the H.264 quantiser,
 * lower is better quality and larger files (a macroblock that would not fit jcodec's buffer is
 * coded coarser); {@code key-interval} (1-1000, default {@value #DEFAULT_KEY_INTERVAL}): frames
 * between key frames.
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
    int qp = config.getInt("qp", DEFAULT_QP, 0, 51);
    int keyInterval = config.getInt("key-interval", DEFAULT_KEY_INTERVAL, 1, 1000);
    return new Mp4Writer(qp, keyInterval);
  }
}
