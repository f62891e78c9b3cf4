/**
 * vimi video I/O: writers for generated videos (MP4 with H.264, animated GIF, a folder of PNG
 * frames), found by name or file extension through {@link dev.vimi.spi.VideoWriterProvider}; a
 * contact sheet of frames; and guarded readers for PNG, JPEG (including CMYK) and WebP input images.
 *
 * <p>H.264 comes from jcodec (pure Java, automatic module {@code jcodec}); WebP and CMYK JPEG
 * decoding from TwelveMonkeys ImageIO, whose readers register with {@code javax.imageio} through
 * {@code META-INF/services}, which the module system turns into {@code provides} clauses of their
 * automatic modules. They are required here so that they are resolved whenever this module is.
 */
module dev.vimi.video {
  requires transitive dev.vimi.spi;
  requires transitive java.desktop;
  requires org.slf4j;
  requires jcodec;
  requires com.twelvemonkeys.imageio.jpeg;
  requires com.twelvemonkeys.imageio.webp;

  exports dev.vimi.video;

  uses dev.vimi.spi.VideoWriterProvider;

  provides dev.vimi.spi.VideoWriterProvider with
      dev.vimi.video.Mp4WriterProvider,
      dev.vimi.video.GifWriterProvider,
      dev.vimi.video.PngFramesWriterProvider;
}
