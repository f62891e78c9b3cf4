package dev.vimi.video.internal;

import org.jcodec.codecs.h264.encode.RateControl;
import org.jcodec.codecs.h264.io.model.SliceType;
import org.jcodec.common.model.Size;

/**
 * jcodec rate control that codes every macroblock at one quantiser, except where a macroblock would
 * overflow jcodec's per-picture buffer: then that macroblock alone is re-coded at a coarser
 * quantiser (and the next one starts again at the base). jcodec's own {@code DumbRateControl} fixes
 * P frames 6 steps coarser than I frames, which is visibly blocky on tiny videos; this keeps quality
 * even over the whole video. Not thread-safe: one per encoder.
 */
final class ConstantQpRateControl implements RateControl {
  /** H.264 limits {@code mb_qp_delta} to [-26, 25]. */
  private static final int MAX_RAISE = 25;

  private final int baseQp;
  private final int macroblocks;
  private int currentQp;
  private int bitsPerMb;

  /**
   * @param qp the quantiser, 0 to 51
   * @param macroblocks macroblocks coded per picture (jcodec passes the size of the picture
   *     buffer, which {@link Mp4Writer} makes larger than the coded area)
   */
  ConstantQpRateControl(int qp, int macroblocks) {
    this.baseQp = qp;
    this.macroblocks = macroblocks;
    this.currentQp = qp;
  }

  @Override
  public int startPicture(Size size, int maxSize, SliceType sliceType) {
    // 7/8 of jcodec's budget: leaves room for the slice header and NAL escaping
    bitsPerMb = (int) (((long) maxSize * 8 * 7 / 8) / macroblocks);
    currentQp = baseQp;
    return baseQp;
  }

  @Override
  public int initialQpDelta() {
    int delta = baseQp - currentQp;
    currentQp = baseQp;
    return delta;
  }

  @Override
  public int accept(int bits) {
    if (bits >= bitsPerMb && currentQp < Math.min(51, baseQp + MAX_RAISE)) {
      currentQp++;
      return 1;
    }
    return 0;
  }
}
