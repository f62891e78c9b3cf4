package dev.vimi.video.internal;

import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.FileImageOutputStream;

/** Writes one PNG with the JDK's writer, without ImageIO's global cache settings. */
public final class Pngs {
  private Pngs() {}

  public static void write(RenderedImage image, Path file) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
    if (!writers.hasNext()) {
      throw new IOException("this Java runtime has no PNG writer (javax.imageio); cannot write " + file);
    }
    ImageWriter writer = writers.next();
    try (FileImageOutputStream out = new FileImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(image);
    } finally {
      writer.dispose();
    }
  }
}
