package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.encoder.mllm.internal.EncoderSettings;
import dev.vimi.encoder.mllm.internal.ImagePreprocessor;
import dev.vimi.image.ImageLoader;
import dev.vimi.spi.ImageRef;
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
 * Decoding (through vimi-image-io's {@link ImageLoader}, as the encoder does) and preprocessing against
 * the Python reference of models/test-encoder/export.py: the same pixels (float32 [3, 32, 32], CLIP
 * normalisation) within {@link #TOLERANCE}. The decoder's own rules are tested in vimi-image-io.
 */
class ImagePreprocessingTest {
  /** Largest allowed |Java - Python| for lossless formats, in normalised units (1/255 is about 0.015). */
  static final float TOLERANCE = 1e-5f;

  private final ImageLoader decoder = ImageLoader.withMaxPixels(40_000_000L).namingLimit("max_image_pixels");
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
        .hasMessageContaining("2,500,000,000 pixels")
        .hasMessageContaining("max_image_pixels")
        .hasMessageContaining("refused before decoding");
  }

  @Test
  void theLimitIsConfigurable() {
    ImageLoader small = ImageLoader.withMaxPixels(1000);
    assertThatThrownBy(() -> small.decode(TestModels.bytes("rgba.png"), "image 1 (rgba.png)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("70x50 = 3,500 pixels");
  }

  /** Mean |a - b| over the tensor, in normalised units. */
  private static double meanAbsDiff(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    return sum / a.length;
  }

  @Test
  void cmykAndYcckJpegsAreConvertedToThePictureOfTheirRgbTwin() {
    // cmyk.jpg holds Pillow's naive inks of photo.jpg (C = 255 - R, ..., K = 0) and ycck.jpg the same inks
    // as YCCK; without an ICC profile the conversion is TwelveMonkeys' generic CMYK (on Linux the
    // uncalibrated R = 255 (1 - C)(1 - K)), so both come back as photo.jpg up to JPEG loss
    float[] photo = pixels("photo.jpg", white);
    float[] python = TestModels.floats("pixels_photo.bin");
    for (String name : new String[] {"cmyk.jpg", "ycck.jpg"}) {
      float[] java = pixels(name, white);
      double mean = meanAbsDiff(java, photo);
      System.out.println(name + " vs photo.jpg: mean |diff| = " + mean + ", max = " + TestModels.maxAbsDiff(java, photo));
      assertThat(mean).as("%s against photo.jpg", name).isLessThan(0.05);
      assertThat(meanAbsDiff(java, python)).as("%s against Pillow's RGB photo", name).isLessThan(0.05);
    }
    // and a wrong conversion (inks read as RGB, i.e. an inverted picture) would be far off
    float[] inverted = white.apply(invert(decoder.decode(TestModels.bytes("photo.jpg"), "photo.jpg")));
    assertThat(meanAbsDiff(inverted, photo)).isGreaterThan(0.5);
  }

  private static ImageRef.OfPixels invert(ImageRef.OfPixels px) {
    int[] argb = px.argb().clone();
    for (int i = 0; i < argb.length; i++) {
      argb[i] = (argb[i] & 0xFF000000) | (~argb[i] & 0xFFFFFF);
    }
    return new ImageRef.OfPixels(px.width(), px.height(), argb);
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
    assertThatThrownBy(() -> decoder.decode(gif, "image 1")).hasMessageContaining("image 1 is a GIF image");
    assertThatThrownBy(() -> decoder.decode(new byte[0], "image 1")).hasMessageContaining("image 1 is empty");
  }

  @Test
  void aTruncatedPngIsRefusedAsTruncated() {
    byte[] png = TestModels.bytes("rgba.png");
    byte[] cut = Arrays.copyOf(png, png.length / 2);
    assertThatThrownBy(() -> decoder.decode(cut, "image 1 (cut.png)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 1 (cut.png)")
        .hasMessageContaining("truncated or corrupt");
  }

  @Test
  void aSolidImageGivesItsNormalisedColourEverywhere() {
    // independent of Python: any resize of a constant image is that constant
    int[] argb = new int[17 * 9];
    Arrays.fill(argb, 0xFF336699);
    float[] out = white.apply(new ImageRef.OfPixels(17, 9, argb));
    float[] rgb = {0x33 / 255f, 0x66 / 255f, 0x99 / 255f};
    for (int c = 0; c < 3; c++) {
      float expected = (rgb[c] - EncoderSettings.CLIP_MEAN[c]) / EncoderSettings.CLIP_STD[c];
      for (int i = 0; i < 32 * 32; i++) {
        assertThat(out[c * 1024 + i]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-5f));
      }
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
