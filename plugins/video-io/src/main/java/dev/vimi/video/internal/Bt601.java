package dev.vimi.video.internal;

import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * RGB to Y'CbCr 4:2:0 conversion for H.264: ITU-R BT.601 matrix, limited ("TV") range (Y' in
 * [16, 235], Cb/Cr in [16, 240]), which is what players assume and what {@link Mp4Writer} also
 * signals in the stream (VUI: primaries, transfer and matrix 6 = SMPTE 170M, full_range 0).
 *
 * <p>Chroma is the mean of each 2x2 block (centred siting). jcodec stores samples as signed bytes
 * holding {@code value - 128}.
 */
final class Bt601 {
  private Bt601() {}

  /**
   * A picture for frames coded at {@code codedWidth x codedHeight}: planes padded to whole 16x16
   * macroblocks, and {@code rowsFactor} times as tall as that, cropped to the coded size.
   *
   * <p>The extra rows are never coded or read; they exist because jcodec's encoder sizes its slice
   * buffer as {@code picture width * picture height} bytes, which at low quantisers is too small for
   * busy content (a macroblock of noise at qp 0 takes about 700 bytes, against 256 for its area) and
   * overflows. jcodec reads the number of macroblocks to code from the crop.
   */
  static Picture newPicture(int codedWidth, int codedHeight, int rowsFactor) {
    int aw = (codedWidth + 15) & ~15;
    int ah = (codedHeight + 15) & ~15;
    return Picture.createCropped(aw, ah * rowsFactor, ColorSpace.YUV420J, new Rect(0, 0, codedWidth, codedHeight));
  }

  /**
   * Fills {@code pic} (from {@link #newPicture}) with the {@code width x height} frame {@code argb}.
   * Every pixel beyond the frame (the padding to even size and to whole macroblocks) repeats the
   * nearest edge pixel, so that the padding costs few bits and does not bleed dark borders into
   * chroma.
   */
  static void fill(int[] argb, int width, int height, Picture pic) {
    int aw = pic.getPlaneWidth(0);
    int ah = (pic.getCroppedHeight() + 15) & ~15;
    byte[] yPlane = pic.getPlaneData(0);
    byte[] cbPlane = pic.getPlaneData(1);
    byte[] crPlane = pic.getPlaneData(2);
    int cw = aw >> 1;
    for (int cy = 0; cy < (ah >> 1); cy++) {
      for (int cx = 0; cx < cw; cx++) {
        int sumR = 0;
        int sumG = 0;
        int sumB = 0;
        for (int dy = 0; dy < 2; dy++) {
          int y = 2 * cy + dy;
          int sy = Math.min(y, height - 1);
          for (int dx = 0; dx < 2; dx++) {
            int x = 2 * cx + dx;
            int p = argb[sy * width + Math.min(x, width - 1)];
            int r = (p >>> 16) & 0xFF;
            int g = (p >>> 8) & 0xFF;
            int b = p & 0xFF;
            sumR += r;
            sumG += g;
            sumB += b;
            yPlane[y * aw + x] = (byte) (luma(r, g, b) - 128);
          }
        }
        double r = sumR / 4.0;
        double g = sumG / 4.0;
        double b = sumB / 4.0;
        cbPlane[cy * cw + cx] = (byte) (clip(Math.round(128 - 0.148223 * r - 0.290993 * g + 0.439216 * b), 16, 240) - 128);
        crPlane[cy * cw + cx] = (byte) (clip(Math.round(128 + 0.439216 * r - 0.367788 * g - 0.071427 * b), 16, 240) - 128);
      }
    }
  }

  /** Limited-range luma of an sRGB-coded pixel, in [16, 235]. */
  static int luma(int r, int g, int b) {
    return (int) clip(Math.round(16 + 0.256788 * r + 0.504129 * g + 0.097906 * b), 16, 235);
  }

  private static long clip(long v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
