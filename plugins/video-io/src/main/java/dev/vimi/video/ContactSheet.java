package dev.vimi.video;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Video;
import dev.vimi.video.internal.FrameImages;
import dev.vimi.video.internal.OutputTargets;
import dev.vimi.video.internal.Pngs;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * All frames of a video in one picture, so that a person sees a result at a glance: frames in
 * reading order (left to right, then top to bottom) on a grid of {@code columns}, each upscaled by
 * an integer factor (nearest neighbour), separated and framed by {@value #SEPARATOR_PX}-pixel lines
 * of {@link #SEPARATOR_RGB}. Cells after the last frame in the last row are filled with the
 * separator colour.
 *
 * <p>A sheet of {@code n} frames of {@code w x h} at scale {@code s} with {@code c} columns is
 * {@code c*w*s + (c+1)*2} pixels wide and {@code r*h*s + (r+1)*2} high, where {@code r =
 * ceil(n/c)}.
 *
 * <p>Stateless; all methods are thread-safe.
 */
public final class ContactSheet {
  /** Width of the lines between and around frames, in pixels (not scaled). */
  public static final int SEPARATOR_PX = 2;

  /** Colour of the separator lines, {@code 0xRRGGBB}: a dark grey that sets frames apart. */
  public static final int SEPARATOR_RGB = 0x202020;

  /** Largest sheet width or height, in pixels. */
  public static final int MAX_SIDE = 32768;

  private ContactSheet() {}

  /**
   * A sensible default number of columns: about as many as rows, never more than the frames
   * ({@code ceil(sqrt(n))}: 16 frames give 4x4).
   */
  public static int defaultColumns(int frames) {
    if (frames < 1) {
      throw new InvalidInputException("frames", "a contact sheet needs at least one frame but got " + frames);
    }
    return (int) Math.ceil(Math.sqrt(frames));
  }

  /**
   * Renders the sheet.
   *
   * @param columns frames per row, at least 1; more than the number of frames is reduced to it
   * @param scale integer upscale factor of each frame, at least 1
   * @return a new {@link BufferedImage#TYPE_INT_RGB} image owned by the caller
   */
  public static BufferedImage render(Video video, int columns, int scale) {
    Objects.requireNonNull(video, "video");
    if (columns < 1) {
      throw new InvalidInputException("columns", "a contact sheet needs at least 1 column but got " + columns);
    }
    FrameImages.checkScale(video, scale);
    int n = video.frameCount();
    int cols = Math.min(columns, n);
    int rows = (n + cols - 1) / cols;
    int fw = video.width() * scale;
    int fh = video.height() * scale;
    long sheetW = (long) cols * fw + (long) (cols + 1) * SEPARATOR_PX;
    long sheetH = (long) rows * fh + (long) (rows + 1) * SEPARATOR_PX;
    if (sheetW > MAX_SIDE || sheetH > MAX_SIDE || sheetW * sheetH > Integer.MAX_VALUE / 4) {
      throw new InvalidInputException(
          "scale",
          "a contact sheet of "
              + n
              + " frames of "
              + fw
              + "x"
              + fh
              + " in "
              + cols
              + " columns would be "
              + sheetW
              + "x"
              + sheetH
              + " pixels, too large; use a smaller scale or other columns");
    }
    int sw = (int) sheetW;
    int sh = (int) sheetH;
    int[] sheet = new int[sw * sh];
    Arrays.fill(sheet, 0xFF000000 | SEPARATOR_RGB);
    for (int t = 0; t < n; t++) {
      int x0 = SEPARATOR_PX + (t % cols) * (fw + SEPARATOR_PX);
      int y0 = SEPARATOR_PX + (t / cols) * (fh + SEPARATOR_PX);
      int[] frame = FrameImages.pixels(video, t, scale);
      for (int y = 0; y < fh; y++) {
        System.arraycopy(frame, y * fw, sheet, (y0 + y) * sw + x0, fw);
      }
    }
    BufferedImage img = new BufferedImage(sw, sh, BufferedImage.TYPE_INT_RGB);
    img.getRaster().setDataElements(0, 0, sw, sh, sheet);
    return img;
  }

  /**
   * Checks, without writing, that {@code target} names a {@code .png} file in an existing writable
   * folder; call it before a long generation to fail fast.
   *
   * @throws InvalidInputException naming what is wrong
   */
  public static void checkTarget(Path target) {
    Objects.requireNonNull(target, "target");
    Path name = target.getFileName();
    if (name == null || !VideoWriters.extension(name.toString()).equals("png")) {
      throw new InvalidInputException(
          "target", "a contact sheet is written as PNG; give a file name ending in .png instead of " + target);
    }
    OutputTargets.checkTarget(target, false);
  }

  /**
   * Renders the sheet and writes it as a PNG file, atomically: on failure nothing is left at {@code
   * target}.
   *
   * @param target a file name ending in {@code .png}, in an existing writable folder
   * @throws InvalidInputException for a bad target, column count or scale
   * @throws IOException if writing fails
   */
  public static void write(Video video, Path target, int columns, int scale) throws IOException {
    checkTarget(target);
    BufferedImage img = render(video, columns, scale);
    OutputTargets.writeFile(target, "contact sheet", ".png", tmp -> Pngs.write(img, tmp));
  }
}
