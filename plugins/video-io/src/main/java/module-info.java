/**
 * vimi video I/O: writers for generated videos (MP4 with H.264, animated GIF, a folder of PNG
 * frames), found by name or file extension through {@link dev.vimi.spi.VideoWriterProvider}, and a
 * contact sheet of frames. Input images are read by {@code dev.vimi.image} (vimi-image-io).
 *
 * <p>H.264 comes from jcodec (pure Java, automatic module {@code jcodec}).
 */
module dev.vimi.video {
  requires transitive dev.vimi.spi;
  requires transitive java.desktop;
  requires org.slf4j;
  requires jcodec;

  // the API: VideoWriters (find a writer by name or extension) and ContactSheet; the writers and their
  // providers stay private to this module (dev.vimi.video.internal)
  exports dev.vimi.video;

  uses dev.vimi.spi.VideoWriterProvider;

  provides dev.vimi.spi.VideoWriterProvider with
      dev.vimi.video.internal.Mp4WriterProvider,
      dev.vimi.video.internal.GifWriterProvider,
      dev.vimi.video.internal.PngFramesWriterProvider;
}
