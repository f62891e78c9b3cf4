/**
 * vimi image I/O: the one place where input images (a subject's photo, a first frame, a retrieved
 * memory image) are recognised and decoded. One format sniffer ({@link dev.vimi.image.ImageFormat}),
 * one decoder whose size limit is checked from the header before any pixel is decoded ({@link
 * dev.vimi.image.ImageLoader}), and one colour rule: RGB and grey samples are taken as stored, CMYK
 * and YCCK JPEGs are converted to sRGB.
 *
 * <p>PNG and RGB or grey JPEG are decoded by the JDK's readers; CMYK and YCCK JPEG by TwelveMonkeys'
 * JPEG reader and WebP by TwelveMonkeys' WebP reader. TwelveMonkeys' readers register with {@code
 * javax.imageio} through {@code META-INF/services}, which the module system turns into {@code
 * provides} clauses of their automatic modules; they are required here so that they are resolved
 * whenever this module is.
 */
module dev.vimi.image {
  requires transitive dev.vimi.spi;
  requires transitive java.desktop;
  requires org.slf4j;
  requires com.twelvemonkeys.imageio.jpeg;
  requires com.twelvemonkeys.imageio.webp;

  exports dev.vimi.image;
}
