// Run by ModulePathTest in a fresh JVM: java --module-path <jars> --add-modules dev.vimi.image Probe.java <dir>
// It sits in the unnamed module and uses dev.vimi.image and the SPI as a host application would.
import dev.vimi.image.ImageLoader;
import dev.vimi.spi.ImageRef;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

public class Probe {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    System.out.println("module " + ImageLoader.class.getModule().getName());
    System.out.println("webp-module " + ModuleLayer.boot().findModule("com.twelvemonkeys.imageio.webp").isPresent());
    ImageLoader loader = ImageLoader.withDefaultLimits();
    BufferedImage webp = loader.read(dir.resolve("pattern-lossless.webp"));
    System.out.println("webp " + webp.getWidth() + "x" + webp.getHeight() + " " + Integer.toHexString(webp.getRGB(3, 2) & 0xFFFFFF));
    BufferedImage cmyk = loader.read(ImageRef.of(dir.resolve("cyan-yellow-cmyk.jpg")));
    System.out.println("cmyk " + Integer.toHexString(cmyk.getRGB(27, 8) & 0xFFFFFF));
    System.out.println("header " + loader.header(ImageRef.of(dir.resolve("cyan-yellow-cmyk.jpg"))));
  }
}
