package dev.vimi.video.internal;

import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.FileImageOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Animated GIF through the JDK's {@code javax.imageio} GIF writer. See {@link GifWriterProvider} for
 * the frame delays, looping and colours. Stateless and thread-safe: every call gets its own ImageIO
 * writer.
 */
final class GifWriter implements VideoWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GifWriter.class);
  private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";

  private final int loopCount;

  /** @param loopCount NETSCAPE2.0 loop count: 0 loops forever */
  GifWriter(int loopCount) {
    this.loopCount = loopCount;
  }

  @Override
  public void write(Video video, Path target, int scale) throws IOException {
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(target, "target");
    FrameImages.checkScale(video, scale);
    OutputTargets.writeFile(target, "GIF animation", ".gif", tmp -> encode(video, scale, tmp, target));
  }

  /**
   * Frame delays in hundredths of a second such that frame {@code i} starts at {@code
   * round(100 * i / fps)} cs: the average delay is exactly {@code 100 / fps} and the whole
   * animation is never off by more than half a centisecond. Every delay is at least 2 cs, because
   * browsers show shorter delays as 10 cs.
   */
  static int[] delays(int frames, double fps) {
    int[] d = new int[frames];
    long prev = 0;
    for (int i = 0; i < frames; i++) {
      long next = Math.round(100.0 * (i + 1) / fps);
      d[i] = (int) Math.min(65535, Math.max(GifWriterProvider.MIN_DELAY_CS, next - prev));
      prev = next;
    }
    return d;
  }

  private void encode(Video video, int scale, Path tmp, Path target) throws IOException {
    if (video.fps() > 100.0 / GifWriterProvider.MIN_DELAY_CS) {
      LOG.warn(
          "{} fps is faster than GIF can show ({} cs per frame at least); {} will play at {} fps",
          video.fps(),
          GifWriterProvider.MIN_DELAY_CS,
          target,
          100 / GifWriterProvider.MIN_DELAY_CS);
    }
    int[] delays = delays(video.frameCount(), video.fps());
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
    if (!writers.hasNext()) {
      throw new IOException("this Java runtime has no GIF writer (javax.imageio); cannot write " + target);
    }
    ImageWriter writer = writers.next();
    try (FileImageOutputStream out = new FileImageOutputStream(tmp.toFile())) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      writer.prepareWriteSequence(null);
      for (int t = 0; t < video.frameCount(); t++) {
        OutputTargets.checkInterrupt(target);
        BufferedImage img = FrameImages.image(video, t, scale);
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), param);
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(IMAGE_FORMAT);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("transparentColorIndex", "0");
        gce.setAttribute("delayTime", Integer.toString(delays[t]));
        if (t == 0) {
          IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
          app.setAttribute("applicationID", "NETSCAPE");
          app.setAttribute("authenticationCode", "2.0");
          // sub-block 1 = loop count, little-endian unsigned 16 bits
          app.setUserObject(new byte[] {1, (byte) (loopCount & 0xFF), (byte) ((loopCount >> 8) & 0xFF)});
          child(root, "ApplicationExtensions").appendChild(app);
        }
        meta.setFromTree(IMAGE_FORMAT, root);
        writer.writeToSequence(new IIOImage(img, null, meta), param);
      }
      writer.endWriteSequence();
    } finally {
      writer.dispose();
    }
    LOG.debug("wrote {} GIF frames (delays {} cs) to {}", video.frameCount(), delays.length > 0 ? delays[0] : 0, target);
  }

  /** The child element called {@code name}, created if absent. */
  private static IIOMetadataNode child(IIOMetadataNode root, String name) {
    for (int i = 0; i < root.getLength(); i++) {
      if (root.item(i) instanceof IIOMetadataNode n && n.getNodeName().equalsIgnoreCase(name)) {
        return n;
      }
    }
    IIOMetadataNode n = new IIOMetadataNode(name);
    root.appendChild(n);
    return n;
  }
}
