package dev.vimi.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input images: PNG and JPEG written here with ImageIO from known pixels, WebP and CMYK JPEG from
 * the committed files made by {@code images/make_images.py} (same formulas as {@link #pattern} and
 * {@link #smooth}).
 */
class ImageLoaderTest {
  private static final ImageLoader LOADER = ImageLoader.withDefaultLimits();

  @TempDir Path dir;

  /** Keep in step with make_images.py. */
  static int pattern(int x, int y) {
    return (((x * 16) % 256) << 16) | (((y * 20) % 256) << 8) | (((x + y) * 8) % 256);
  }

  /** Keep in step with make_images.py. */
  static int smooth(int x, int y, int w, int h) {
    int r = (int) Math.round(255.0 * x / (w - 1));
    int g = (int) Math.round(255.0 * y / (h - 1));
    int b = (int) Math.round(255.0 * (1 - x / (double) (w - 1)));
    return (r << 16) | (g << 8) | b;
  }

  static BufferedImage noiseImage(int width, int height) {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(width * 31L + height);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, rnd.nextInt(0x1000000));
      }
    }
    return img;
  }

  /** Mean absolute difference per RGB channel, in levels. */
  static double meanAbsError(int[] expected, int expectedStride, int[] actual, int actualStride, int w, int h) {
    long sum = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int a = expected[y * expectedStride + x];
        int b = actual[y * actualStride + x];
        for (int s = 0; s <= 16; s += 8) {
          sum += Math.abs(((a >>> s) & 0xFF) - ((b >>> s) & 0xFF));
        }
      }
    }
    return sum / (3.0 * w * h);
  }

  static byte[] resource(String name) {
    try (InputStream in = ImageLoaderTest.class.getResourceAsStream("images/" + name)) {
      assertThat(in).as("test resource %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path resourceFile(String name) throws IOException {
    return Files.write(dir.resolve(name), resource(name));
  }

  private static BufferedImage patternImage(int w, int h, int type) {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, 0xFF000000 | pattern(x, y));
      }
    }
    return img;
  }

  private static byte[] encode(BufferedImage img, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).as("a %s writer", format).isTrue();
    return out.toByteArray();
  }

  private static byte[] jpeg(BufferedImage img, float quality) throws IOException {
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      w.setOutput(out);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      w.write(null, new IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
    return bytes.toByteArray();
  }

  private static int[] rgb(BufferedImage img) {
    int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    for (int i = 0; i < px.length; i++) {
      px[i] &= 0xFFFFFF;
    }
    return px;
  }

  private static int[] expectedPattern(int w, int h) {
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = pattern(x, y);
      }
    }
    return px;
  }

  // ---------------------------------------------------------------- formats

  @Test
  void pngIsExact() throws Exception {
    Path png = Files.write(dir.resolve("p.png"), encode(patternImage(16, 12, BufferedImage.TYPE_INT_RGB), "png"));
    BufferedImage img = LOADER.read(png);
    assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(rgb(img)).isEqualTo(expectedPattern(16, 12));
  }

  @Test
  void pngAlphaIsKept() throws Exception {
    BufferedImage src = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
    src.setRGB(0, 0, 0x80FF0000);
    src.setRGB(1, 0, 0x0000FF00);
    src.setRGB(2, 1, 0xFF123456);
    ImageRef.OfPixels px = LOADER.readPixels(ImageRef.ofBytes(encode(src, "png")));
    assertThat(px.width()).isEqualTo(4);
    assertThat(px.argb()[0]).isEqualTo(0x80FF0000);
    assertThat(px.argb()[1] >>> 24).isZero();
    assertThat(px.argb()[4 + 2]).isEqualTo(0xFF123456);
  }

  @Test
  void greyPngKeepsItsLevels() throws Exception {
    BufferedImage grey = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
    BufferedImage img = LOADER.read(ImageRef.ofBytes(encode(grey, "png")));
    assertThat(rgb(img)).containsExactly(0x000000, 0x808080, 0xFFFFFF);
  }

  @Test
  void jpegIsClose() throws Exception {
    int w = 64;
    int h = 48;
    BufferedImage src = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] expected = new int[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        expected[y * w + x] = smooth(x, y, w, h);
        src.setRGB(x, y, expected[y * w + x]);
      }
    }
    BufferedImage img = LOADER.read(Files.write(dir.resolve("s.jpg"), jpeg(src, 0.95f)));
    assertThat(meanAbsError(expected, w, rgb(img), w, w, h)).isLessThan(3.0);
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws Exception {
    BufferedImage wb = LOADER.read(resourceFile("white-black-cmyk.jpg"));
    assertThat(wb.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    int white = wb.getRGB(4, 8) & 0xFFFFFF;
    int black = wb.getRGB(27, 8) & 0xFFFFFF;
    assertThat(Arrays.stream(channels(white)).min().getAsInt()).as("no ink is white: %06x", white).isGreaterThan(230);
    assertThat(Arrays.stream(channels(black)).max().getAsInt()).as("full black ink is dark: %06x", black).isLessThan(60);

    BufferedImage cy = LOADER.read(ImageRef.ofBytes(resource("cyan-yellow-cmyk.jpg")));
    int[] cyan = channels(cy.getRGB(4, 8));
    int[] yellow = channels(cy.getRGB(27, 8));
    assertThat(cyan[0]).as("cyan has little red").isLessThan(80);
    assertThat(cyan[2]).as("cyan has much blue").isGreaterThan(180);
    assertThat(yellow[2]).as("yellow has little blue").isLessThan(80);
    assertThat(yellow[0]).as("yellow has much red").isGreaterThan(200);
    assertThat(yellow[1]).as("yellow has much green").isGreaterThan(200);
  }

  @Test
  void ycckJpegIsConvertedToRgbLikeItsCmykTwin() throws Exception {
    byte[] ycck = resource("cyan-yellow-ycck.jpg");
    assertThat(ImageReading.jpegComponents(new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(ycck)))).isEqualTo(4);
    BufferedImage cy = LOADER.read(resourceFile("cyan-yellow-ycck.jpg"));
    assertThat(cy.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    int[] cyan = channels(cy.getRGB(4, 8));
    int[] yellow = channels(cy.getRGB(27, 8));
    assertThat(cyan[0]).as("cyan has little red").isLessThan(80);
    assertThat(cyan[2]).as("cyan has much blue").isGreaterThan(180);
    assertThat(yellow[2]).as("yellow has little blue").isLessThan(80);
    assertThat(yellow[0]).as("yellow has much red").isGreaterThan(200);
    assertThat(yellow[1]).as("yellow has much green").isGreaterThan(200);
    // the same inks stored as CMYK give the same picture
    BufferedImage twin = LOADER.read(ImageRef.ofBytes(resource("cyan-yellow-cmyk.jpg")));
    assertThat(meanAbsError(rgb(twin), 32, rgb(cy), 32, 32, 16)).isLessThan(4.0);
    assertThat(LOADER.header(ImageRef.ofBytes(ycck))).isEqualTo(new ImageLoader.Header(ImageFormat.JPEG, 32, 16));
  }

  @Test
  void jpegComponentsAreReadFromTheFrameHeader() throws Exception {
    assertThat(components(resource("cyan-yellow-cmyk.jpg"))).isEqualTo(4);
    assertThat(components(jpeg(patternImage(8, 8, BufferedImage.TYPE_INT_RGB), 0.9f))).isEqualTo(3);
    assertThat(components(jpeg(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), 0.9f))).isEqualTo(1);
    assertThat(components(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})).as("cut before any frame").isEqualTo(-1);
  }

  private static int components(byte[] jpg) throws IOException {
    return ImageReading.jpegComponents(new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(jpg)));
  }

  @Test
  void theHeaderCheckAndTheDecodeLimitAreOneRule() throws Exception {
    byte[] png = encode(patternImage(16, 12, BufferedImage.TYPE_INT_RGB), "png");
    ImageLoader exact = ImageLoader.withMaxPixels(192);
    ImageLoader.Header h = exact.header(ImageRef.ofBytes(png));
    exact.checkSize("image p.png", h.width(), h.height()); // at the limit: accepted from the header ...
    assertThat(exact.readPixels(ImageRef.ofBytes(png)).width()).isEqualTo(16); // ... and decoded
    assertThat(exact.readPixels(new ImageRef.OfPixels(16, 12, new int[192])).width()).isEqualTo(16);
    ImageLoader under = ImageLoader.withMaxPixels(191);
    for (var attempt : List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
        () -> under.checkSize("image p.png", h.width(), h.height()),
        () -> under.readPixels(ImageRef.ofBytes(png)),
        () -> under.decode(png, "image p.png"),
        () -> under.read(ImageRef.ofBytes(png)),
        () -> under.readPixels(new ImageRef.OfPixels(16, 12, new int[192])))) {
      assertThatThrownBy(attempt).isInstanceOf(InvalidInputException.class).hasMessageContaining("16x12 = 192 pixels, more than the limit of 191");
    }
  }

  @Test
  void theLimitNamesTheSettingOfItsOwner() {
    ImageLoader encoder = ImageLoader.withMaxPixels(100).namingLimit("max_image_pixels");
    assertThatThrownBy(() -> encoder.decode(resource("pattern-lossless.webp"), "image 1 (p.webp)"))
        .hasMessageContaining("image 1 (p.webp) is 16x12 = 192 pixels")
        .hasMessageContaining("raise the limit (max_image_pixels)");
  }

  @Test
  void theSnifferNamesEveryFormatItKnows() throws Exception {
    assertThat(ImageFormat.sniff(encode(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), "png"))).contains(ImageFormat.PNG);
    assertThat(ImageFormat.sniff(jpeg(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), 0.9f))).contains(ImageFormat.JPEG);
    assertThat(ImageFormat.sniff(resource("smooth-lossy.webp"))).contains(ImageFormat.WEBP);
    assertThat(ImageFormat.sniff(encode(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), "gif"))).contains(ImageFormat.GIF);
    assertThat(ImageFormat.sniff(encode(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), "bmp"))).contains(ImageFormat.BMP);
    assertThat(ImageFormat.sniff(encode(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), "tiff"))).contains(ImageFormat.TIFF);
    assertThat(ImageFormat.sniff("RIFF....WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).as("RIFF but not WebP").isEmpty();
    assertThat(ImageFormat.sniff(new byte[] {(byte) 0x89, 'P', 'N'})).as("a cut signature").isEmpty();
    assertThat(List.of(ImageFormat.values()).stream().filter(ImageFormat::decoded).toList())
        .containsExactly(ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.WEBP);
  }

  @Test
  void notAnImageIsRefusedWithWhatItLooksLike() throws Exception {
    byte[] text = "this is not an image at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> LOADER.decode(text, "image 2 (<27 bytes>)"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 2 (<27 bytes>) is not a PNG, JPEG or WebP image")
        .hasMessageContaining("looks like text")
        .hasMessageContaining("74 68 69 73");
    byte[] gif = encode(patternImage(2, 2, BufferedImage.TYPE_INT_RGB), "gif");
    assertThatThrownBy(() -> LOADER.decode(gif, "image 1")).hasMessageContaining("image 1 is a GIF image; vimi reads PNG, JPEG and WebP");
    assertThatThrownBy(() -> LOADER.decode(new byte[0], "image 1")).hasMessageContaining("image 1 is empty (0 bytes)");
    assertThatThrownBy(() -> LOADER.decode(new byte[] {1, 2, (byte) 0xFE}, "image 1"))
        .hasMessageContaining("looks like unrecognised content (first bytes 01 02 FE)");
  }

  @Test
  void theDirectByteReadAgreesWithTheColourModel() {
    // 8-bit sRGB layouts the JDK readers produce: the fast path must give what getRGB gives
    for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_RGB}) {
      BufferedImage img = new BufferedImage(13, 7, type);
      java.util.Random rnd = new java.util.Random(type);
      for (int y = 0; y < 7; y++) {
        for (int x = 0; x < 13; x++) {
          img.setRGB(x, y, rnd.nextInt() | (img.getColorModel().hasAlpha() ? 0 : 0xFF000000));
        }
      }
      assertThat(ImageReading.toArgb(img)).as("type " + type).isEqualTo(img.getRGB(0, 0, 13, 7, null, 0, 13));
    }
  }

  private static int[] channels(int rgb) {
    return new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
  }

  @Test
  void losslessWebpIsExact() throws Exception {
    BufferedImage img = LOADER.read(resourceFile("pattern-lossless.webp"));
    assertThat(img.getWidth()).isEqualTo(16);
    assertThat(img.getHeight()).isEqualTo(12);
    assertThat(rgb(img)).isEqualTo(expectedPattern(16, 12));
  }

  @Test
  void webpAlphaIsKept() {
    ImageRef.OfPixels px = LOADER.readPixels(ImageRef.ofBytes(resource("alpha-lossless.webp")));
    assertThat(px.width()).isEqualTo(8);
    assertThat(px.height()).isEqualTo(6);
    int[] argb = px.argb();
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        assertThat(argb[y * 8 + x]).as("(%d,%d)", x, y).isEqualTo(((15 + 30 * x) << 24) | pattern(x, y));
      }
    }
  }

  @Test
  void lossyWebpIsClose() throws Exception {
    BufferedImage img = LOADER.read(resourceFile("smooth-lossy.webp"));
    int[] expected = new int[64 * 48];
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        expected[y * 64 + x] = smooth(x, y, 64, 48);
      }
    }
    assertThat(meanAbsError(expected, 64, rgb(img), 64, 64, 48)).isLessThan(4.0);
  }

  @Test
  void headerNamesFormatAndSize() {
    assertThat(LOADER.header(ImageRef.ofBytes(resource("smooth-lossy.webp"))))
        .isEqualTo(new ImageLoader.Header(ImageFormat.WEBP, 64, 48));
    assertThat(LOADER.header(ImageRef.ofBytes(resource("cyan-yellow-cmyk.jpg"))))
        .isEqualTo(new ImageLoader.Header(ImageFormat.JPEG, 32, 16));
  }

  @Test
  void oneLoaderServesManyThreads() throws Exception {
    byte[][] inputs = {
      resource("pattern-lossless.webp"), resource("cyan-yellow-cmyk.jpg"), encode(patternImage(16, 12, BufferedImage.TYPE_INT_RGB), "png")
    };
    int[][] expected = new int[inputs.length][];
    for (int i = 0; i < inputs.length; i++) {
      expected[i] = rgb(LOADER.read(ImageRef.ofBytes(inputs[i])));
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      var futures = new java.util.ArrayList<java.util.concurrent.Future<Boolean>>();
      for (int k = 0; k < 48; k++) {
        int i = k % inputs.length;
        futures.add(pool.submit(() -> Arrays.equals(rgb(LOADER.read(ImageRef.ofBytes(inputs[i]))), expected[i])));
      }
      for (var f : futures) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------- sources

  @Test
  void fileAndJarUrisAreRead() throws Exception {
    byte[] png = encode(patternImage(5, 3, BufferedImage.TYPE_INT_RGB), "png");
    Path file = Files.write(dir.resolve("u.png"), png);
    assertThat(rgb(LOADER.read(ImageRef.of(file.toUri())))).isEqualTo(expectedPattern(5, 3));

    Path jar = dir.resolve("images.jar");
    try (OutputStream os = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(os)) {
      zip.putNextEntry(new ZipEntry("img/u.png"));
      zip.write(png);
      zip.closeEntry();
    }
    URI inJar = URI.create("jar:" + jar.toUri() + "!/img/u.png");
    assertThat(rgb(LOADER.read(ImageRef.of(inJar)))).isEqualTo(expectedPattern(5, 3));
  }

  @Test
  void remoteUrisAreRefused() {
    assertThatThrownBy(() -> LOADER.read(ImageRef.of(URI.create("https://example.org/cat.png"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("https://example.org/cat.png")
        .hasMessageContaining("nothing is downloaded");
  }

  @Test
  void pixelsPassThrough() {
    ImageRef.OfPixels px = new ImageRef.OfPixels(2, 1, new int[] {0xFF010203, 0x7F040506});
    assertThat(LOADER.readPixels(px)).isEqualTo(px);
    BufferedImage img = LOADER.read(px);
    assertThat(img.getRGB(1, 0)).isEqualTo(0x7F040506);
  }

  // ---------------------------------------------------------------- bad input

  @Test
  void decompressionBombIsRefusedFromItsHeader() throws Exception {
    // a valid PNG header claiming 60000x60000 RGBA (14 GB decoded) with almost no data behind it
    Path bomb = Files.write(dir.resolve("bomb.png"), pngHeaderOnly(60000, 60000));
    assertThatThrownBy(() -> LOADER.read(bomb))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("bomb.png")
        .hasMessageContaining("60000x60000 = 3,600,000,000 pixels, more than the limit of 40,000,000")
        .hasMessageContaining("refused before decoding");
    assertThat(LOADER.header(ImageRef.of(bomb)))
        .as("the header alone is readable")
        .isEqualTo(new ImageLoader.Header(ImageFormat.PNG, 60000, 60000));
  }

  /** A complete, valid 8000x8000 RGB PNG (one colour), written without holding its pixels: 192 MB decoded. */
  static byte[] realPng8000() throws IOException {
    int w = 8000;
    int h = 8000;
    java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
    try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9))) {
      byte[] row = new byte[1 + 3 * w]; // filter 0, black pixels
      for (int y = 0; y < h; y++) {
        z.write(row);
      }
    }
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void aRealOverLimitPhotoIsRefusedFromItsHeaderWithTheFix() throws Exception {
    Path big = Files.write(dir.resolve("big.png"), realPng8000());
    assertThat(LOADER.header(ImageRef.of(big))).isEqualTo(new ImageLoader.Header(ImageFormat.PNG, 8000, 8000));
    assertThat(LOADER.maxPixels()).isEqualTo(ImageRef.DEFAULT_MAX_PIXELS);
    // refused before decoding: a 64 Mpx decode would need well over the memory this check allows itself
    assertThatThrownBy(() -> LOADER.readPixels(ImageRef.of(big)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("big.png is 8000x8000 = 64,000,000 pixels, more than the limit of 40,000,000")
        .hasMessageContaining("Resize it")
        .hasMessageContaining("raise the limit (max-pixels)");
    ImageLoader tight = ImageLoader.withMaxPixels(100);
    assertThatThrownBy(() -> tight.read(ImageRef.ofBytes(resource("pattern-lossless.webp"))))
        .hasMessageContaining("16x12 = 192 pixels, more than the limit of 100");
    assertThat(ImageLoader.fromConfig(ProviderConfig.of("images", Map.of("max-pixels", "192"))).read(ImageRef.ofBytes(resource("pattern-lossless.webp"))).getWidth())
        .isEqualTo(16);
    assertThatThrownBy(() -> ImageLoader.fromConfig(ProviderConfig.of("images", Map.of("max_pixels", "192"))))
        .hasMessageContaining("unknown key 'max_pixels'; did you mean 'max-pixels'?");
  }

  @Test
  void jpegBombIsRefused() throws Exception {
    byte[] jpg = jpeg(patternImage(8, 8, BufferedImage.TYPE_INT_RGB), 0.9f);
    // patch the frame header (SOF0: FF C0, length, precision, height, width) to 65000x65000
    for (int i = 0; i + 8 < jpg.length; i++) {
      if ((jpg[i] & 0xFF) == 0xFF && (jpg[i + 1] & 0xFF) == 0xC0) {
        ByteBuffer.wrap(jpg, i + 5, 4).putShort((short) 65000).putShort((short) 65000);
        break;
      }
    }
    assertThatThrownBy(() -> LOADER.read(ImageRef.ofBytes(jpg)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("65000x65000");
  }

  @Test
  void limitIsConfigurable() {
    ImageLoader small = ImageLoader.withLimits(8, 8);
    assertThatThrownBy(() -> small.read(ImageRef.ofBytes(resource("pattern-lossless.webp"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("16x12")
        .hasMessageContaining("8x8");
    ImageLoader configured = ImageLoader.fromConfig(ProviderConfig.of("images", Map.of("max-width", "16", "max-height", "12")));
    assertThat(configured.read(ImageRef.ofBytes(resource("pattern-lossless.webp"))).getWidth()).isEqualTo(16);
    assertThatThrownBy(() -> ImageLoader.fromConfig(ProviderConfig.of("images", Map.of("max-width", "0"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("max-width");
  }

  @Test
  void truncatedFilesAreRefusedByName() throws Exception {
    byte[] png = encode(noiseImage(64, 64), "png");
    byte[] jpg = jpeg(noiseImage(64, 64), 0.9f);
    byte[] webp = resource("smooth-lossy.webp");
    for (var c : Map.of("cut.png", png, "cut.jpg", jpg, "cut.webp", webp).entrySet()) {
      byte[] bytes = c.getValue();
      Path cut = Files.write(dir.resolve(c.getKey()), Arrays.copyOf(bytes, bytes.length / 2));
      assertThatThrownBy(() -> LOADER.read(cut))
          .as(c.getKey())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(cut.toString())
          .hasMessageContaining("truncated or corrupt");
    }
  }

  @Test
  void extraneousBytesBeforeTheEndMarkerAreOnlyAWarning() throws Exception {
    // some cameras pad the scan; libjpeg warns "Corrupt JPEG data: 5 extraneous bytes before marker 0xd9"
    byte[] jpg = jpeg(noiseImage(16, 16), 0.9f);
    byte[] padded = new byte[jpg.length + 5];
    System.arraycopy(jpg, 0, padded, 0, jpg.length - 2);
    padded[padded.length - 2] = (byte) 0xFF;
    padded[padded.length - 1] = (byte) 0xD9;
    assertThat(LOADER.readPixels(ImageRef.ofBytes(padded)).argb()).isEqualTo(LOADER.readPixels(ImageRef.ofBytes(jpg)).argb());
  }

  @Test
  void missingAndNonImageFilesAreNamed() throws Exception {
    Path missing = dir.resolve("nope.png");
    assertThatThrownBy(() -> LOADER.read(missing))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> LOADER.read(dir))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not a file");
    Path text = Files.writeString(dir.resolve("notes.png"), "this is text, not a picture");
    assertThatThrownBy(() -> LOADER.read(text))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("notes.png")
        .hasMessageContaining("not a PNG, JPEG or WebP image");
    Path gif = Files.write(dir.resolve("anim.gif"), encode(patternImage(4, 4, BufferedImage.TYPE_INT_RGB), "gif"));
    assertThatThrownBy(() -> LOADER.read(gif))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a GIF image")
        .hasMessageContaining("PNG, JPEG and WebP");
  }

  /** PNG signature + IHDR (8-bit RGBA, w x h) + a tiny IDAT + IEND, with correct CRCs. */
  private static byte[] pngHeaderOnly(int w, int h) {
    ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12 + 8 + 12);
    b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 6).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(b, "IHDR", ihdr.array());
    chunk(b, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
    chunk(b, "IEND", new byte[0]);
    return Arrays.copyOf(b.array(), b.position());
  }

  private static void chunk(ByteBuffer b, String type, byte[] data) {
    b.putInt(data.length).put(type.getBytes()).put(data);
    CRC32 crc = new CRC32();
    crc.update(type.getBytes());
    crc.update(data);
    b.putInt((int) crc.getValue());
  }
}
