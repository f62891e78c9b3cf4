package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * Decoding and preprocessing against the Python reference of models/test-encoder/export.py: the same
 * pixels (float32 [3, 32, 32], CLIP normalisation) within {@link #TOLERANCE}.
 */
class ImagePreprocessingTest {
  /** Largest allowed |Java - Python| for lossless formats, in normalised units (1/255 is about 0.015). */
  static final float TOLERANCE = 1e-5f;

  private final ImageDecoder decoder = new ImageDecoder(40_000_000L);
  private final ImagePreprocessor white =
      new ImagePreprocessor(32, EncoderSettings.CLIP_MEAN, EncoderSettings.CLIP_STD, 0xFFFFFF);

  private float[] pixels(String name, ImagePreprocessor p) {
    return p.apply(decoder.decode(TestModels.bytes(name), name));
  }

  @Test
  void rgbaPngWithAlphaMatchesThePythonReference() {
    float[] java = pixels("rgba.png", white);
    float[] python = TestModels.floats("pixels_rgba.bin");
    float diff = TestModels.maxAbsDiff(java, python);
    System.out.println("rgba.png max |java - python| = " + diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void theBackgroundColourIsWhatTransparentPixelsBecome() {
    ImagePreprocessor black = new ImagePreprocessor(32, EncoderSettings.CLIP_MEAN, EncoderSettings.CLIP_STD, 0x000000);
    float[] java = pixels("rgba.png", black);
    assertThat(TestModels.maxAbsDiff(java, TestModels.floats("pixels_rgba_black.bin"))).isLessThanOrEqualTo(TOLERANCE);
    // and the two backgrounds do give different inputs (the image has transparent parts)
    assertThat(TestModels.maxAbsDiff(java, pixels("rgba.png", white))).isGreaterThan(1f);
  }

  @Test
  void losslessWebpGivesThePixelsOfThePng() {
    float[] java = pixels("rgba.webp", white);
    assertThat(TestModels.maxAbsDiff(java, TestModels.floats("pixels_rgba.bin"))).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void greyPngIsReplicatedWithoutGammaConversion() {
    // portrait (23x40): the width is the shorter side, upscaled, crop along the height
    float[] java = pixels("gray.png", white);
    float diff = TestModels.maxAbsDiff(java, TestModels.floats("pixels_gray.bin"));
    System.out.println("gray.png max |java - python| = " + diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void jpegDecodesToThePicturePillowSees() {
    // JPEG decoders may differ by an IDCT rounding step, so this checks orientation and channel order,
    // not bit equality: a transposed or BGR image would be off by far more than a few levels
    float[] java = pixels("photo.jpg", white);
    float[] python = TestModels.floats("pixels_photo.bin");
    double mean = 0;
    for (int i = 0; i < java.length; i++) {
      mean += Math.abs(java[i] - python[i]);
    }
    mean /= java.length;
    float max = TestModels.maxAbsDiff(java, python);
    System.out.println("photo.jpg max |java - python| = " + max + ", mean = " + mean);
    assertThat(max).isLessThan(0.1f);
    assertThat(mean).isLessThan(0.02);
  }

  @Test
  void aHugePngHeaderIsRefusedBeforeDecoding() {
    byte[] bomb = pngHeaderOnly(50_000, 50_000);
    assertThat(bomb.length).isLessThan(100);
    assertThatThrownBy(() -> decoder.decode(bomb, "image 1 (bomb.png)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("50000x50000")
        .hasMessageContaining("2500000000 pixels")
        .hasMessageContaining("max_image_pixels")
        .hasMessageContaining("refused before decoding");
  }

  @Test
  void theLimitIsConfigurable() {
    ImageDecoder small = new ImageDecoder(1000);
    assertThatThrownBy(() -> small.decode(TestModels.bytes("rgba.png"), "image 1 (rgba.png)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("70x50 = 3500 pixels");
  }

  @Test
  void cmykJpegIsRefusedClearly() {
    assertThat(ImageDecoder.jpegComponents(TestModels.bytes("cmyk.jpg"))).isEqualTo(4);
    assertThat(ImageDecoder.jpegComponents(TestModels.bytes("photo.jpg"))).isEqualTo(3);
    assertThatThrownBy(() -> decoder.decode(TestModels.bytes("cmyk.jpg"), "image 1 (cmyk.jpg)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 1 (cmyk.jpg)")
        .hasMessageContaining("CMYK")
        .hasMessageContaining("convert the image to RGB");
  }

  @Test
  void notAnImageIsRefusedWithWhatItLooksLike() {
    byte[] text = "this is not an image at all".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> decoder.decode(text, "image 2 (<27 bytes>)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 2")
        .hasMessageContaining("not a PNG, JPEG or WebP image")
        .hasMessageContaining("looks like text")
        .hasMessageContaining("74 68 69 73");
    byte[] gif = "GIF89a\u0001\u0000\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> decoder.decode(gif, "image 1")).hasMessageContaining("looks like GIF");
    assertThatThrownBy(() -> decoder.decode(new byte[0], "image 1")).hasMessageContaining("an empty file");
  }

  @Test
  void aTruncatedPngIsReportedAsDamaged() {
    byte[] png = TestModels.bytes("rgba.png");
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    assertThatThrownBy(() -> decoder.decode(cut, "image 1 (cut.png)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 1 (cut.png)")
        .hasMessageContaining("damaged");
  }

  @Test
  void aSolidImageGivesItsNormalisedColourEverywhere() {
    // independent of Python: any resize of a constant image is that constant
    int[] argb = new int[17 * 9];
    Arrays.fill(argb, 0xFF336699);
    float[] out = white.apply(new ImageDecoder.Pixels(17, 9, argb));
    float[] rgb = {0x33 / 255f, 0x66 / 255f, 0x99 / 255f};
    for (int c = 0; c < 3; c++) {
      float expected = (rgb[c] - EncoderSettings.CLIP_MEAN[c]) / EncoderSettings.CLIP_STD[c];
      for (int i = 0; i < 32 * 32; i++) {
        assertThat(out[c * 1024 + i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
      }
    }
  }

  @Test
  void theDirectByteReadAgreesWithTheColourModel() {
    // 8-bit sRGB layouts the JDK readers produce: the fast path must give what getRGB gives
    for (int type : new int[] {java.awt.image.BufferedImage.TYPE_3BYTE_BGR, java.awt.image.BufferedImage.TYPE_4BYTE_ABGR,
        java.awt.image.BufferedImage.TYPE_INT_ARGB, java.awt.image.BufferedImage.TYPE_INT_RGB}) {
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(13, 7, type);
      java.util.Random rnd = new java.util.Random(type);
      for (int y = 0; y < 7; y++) {
        for (int x = 0; x < 13; x++) {
          img.setRGB(x, y, rnd.nextInt() | (img.getColorModel().hasAlpha() ? 0 : 0xFF000000));
        }
      }
      int[] expected = img.getRGB(0, 0, 13, 7, null, 0, 13);
      assertThat(ImageDecoder.toArgb(img)).as("type " + type).isEqualTo(expected);
    }
  }

  /** A valid PNG signature and IHDR of the given size, one empty IDAT and IEND: tiny on disk, huge decoded. */
  static byte[] pngHeaderOnly(int width, int height) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bos);
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(width);
      h.writeInt(height);
      h.write(new byte[] {8, 6, 0, 0, 0}); // 8-bit RGBA, deflate, no filter method, no interlace
      chunk(out, "IHDR", ihdr.toByteArray());
      Deflater d = new Deflater();
      d.setInput(new byte[] {0});
      d.finish();
      byte[] buf = new byte[64];
      int n = d.deflate(buf);
      d.end();
      chunk(out, "IDAT", Arrays.copyOf(buf, n));
      chunk(out, "IEND", new byte[0]);
      return bos.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    out.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }
}
