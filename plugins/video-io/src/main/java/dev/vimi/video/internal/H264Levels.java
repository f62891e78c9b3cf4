package dev.vimi.video.internal;

/**
 * The smallest H.264 level (ITU-T H.264 Table A-1) whose frame size and macroblock rate limits a
 * video fits, from level 3.0 up: small videos claim 3.0, which every decoder handles.
 */
final class H264Levels {
  /** Frame size limit of the highest level (6.x), in macroblocks. */
  static final int MAX_FRAME_MACROBLOCKS = 139264;

  // level_idc, MaxFS (macroblocks per frame), MaxMBPS (macroblocks per second)
  private static final int[][] LEVELS = {
    {30, 1620, 40500},
    {31, 3600, 108000},
    {32, 5120, 216000},
    {40, 8192, 245760},
    {42, 8704, 522240},
    {50, 22080, 589824},
    {51, 36864, 983040},
    {52, 36864, 2073600},
    {60, 139264, 4177920},
    {61, 139264, 8355840},
    {62, 139264, 16711680},
  };

  private H264Levels() {}

  /**
   * The level for frames of {@code mbWidth x mbHeight} macroblocks at {@code fps}; level 6.2 when
   * nothing fits (the rate is then beyond the standard, which decoders mostly tolerate).
   */
  static int levelFor(int mbWidth, int mbHeight, double fps) {
    long fs = (long) mbWidth * mbHeight;
    double mbps = fs * fps;
    for (int[] l : LEVELS) {
      double maxSide = Math.sqrt(8.0 * l[1]); // A.3.1: each side at most sqrt(8 * MaxFS) macroblocks
      if (fs <= l[1] && mbWidth <= maxSide && mbHeight <= maxSide && mbps <= l[2]) {
        return l[0];
      }
    }
    return 62;
  }
}
