import java.awt.image.*;
import java.io.*;
import java.nio.file.*;
import javax.imageio.*;
import javax.imageio.stream.*;

/**
 * Writes a YCCK JPEG (4 components, Adobe APP14 transform 2), which javax.imageio and Pillow cannot
 * write. Run from this folder:
 *
 * <ul>
 *   <li>{@code java MakeYcck.java cyan-yellow-ycck.jpg}: the inks of cyan-yellow-cmyk.jpg (32x16, left
 *       half cyan, right half yellow);
 *   <li>{@code java MakeYcck.java ycck.jpg photo.jpg}: the inks of an RGB image as Pillow's {@code
 *       convert("CMYK")} makes them (C = 255 - R, M = 255 - G, Y = 255 - B, K = 0), as the encoder's
 *       test-encoder/cmyk.jpg was made from photo.jpg.
 * </ul>
 */
public class MakeYcck {
  public static void main(String[] a) throws Exception {
    BufferedImage src = a.length > 1 ? ImageIO.read(new File(a[1])) : null;
    int w = src == null ? 32 : src.getWidth(), h = src == null ? 16 : src.getHeight();
    WritableRaster r = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
      int[] ink;
      if (src == null) {
        ink = x < 16 ? new int[] {255, 0, 0, 0} : new int[] {0, 0, 255, 0}; // cyan | yellow
      } else {
        int rgb = src.getRGB(x, y);
        ink = new int[] {255 - ((rgb >> 16) & 0xFF), 255 - ((rgb >> 8) & 0xFF), 255 - (rgb & 0xFF), 0};
      }
      int[] s = new int[4];
      for (int c = 0; c < 4; c++) s[c] = 255 - ink[c]; // Adobe CMYK samples are inverted
      // libjpeg's CMYK -> YCCK: YCbCr of (255 - C, 255 - M, 255 - Y); K unchanged
      double R = 255 - s[0], G = 255 - s[1], B = 255 - s[2];
      double Y = 0.299 * R + 0.587 * G + 0.114 * B;
      double Cb = -0.168736 * R - 0.331264 * G + 0.5 * B + 128;
      double Cr = 0.5 * R - 0.418688 * G - 0.081312 * B + 128;
      r.setSample(x, y, 0, clamp(Y)); r.setSample(x, y, 1, clamp(Cb)); r.setSample(x, y, 2, clamp(Cr)); r.setSample(x, y, 3, s[3]);
    }
    ImageWriter wr = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = wr.getDefaultWriteParam();
    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(0.95f);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bos)) {
      wr.setOutput(out);
      wr.write(null, new IIOImage(r, null, null), p);
    }
    byte[] d = bos.toByteArray();
    // the JDK writes no Adobe marker for a bare raster: insert APP14 "Adobe" (version 100, transform 2 =
    // YCCK) right after SOI, and drop a JFIF APP0 if one was written (JFIF means YCbCr or grey)
    ByteArrayOutputStream fixed = new ByteArrayOutputStream();
    fixed.write(d, 0, 2);
    fixed.write(new byte[] {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 2});
    int at = 2;
    if ((d[2] & 0xFF) == 0xFF && (d[3] & 0xFF) == 0xE0) {
      at += 2 + (((d[4] & 0xFF) << 8) | (d[5] & 0xFF));
    }
    fixed.write(d, at, d.length - at);
    d = fixed.toByteArray();
    Files.write(Path.of(a[0]), d);
  }
  static int clamp(double v) { return (int) Math.max(0, Math.min(255, Math.round(v))); }
}
