// Run by ModulePathTest in a fresh JVM: java --module-path <jars> --add-modules dev.vimi.video Probe.java <dir>
// It sits in the unnamed module and uses dev.vimi.video and the SPI as a host application would.
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.ContactSheet;
import dev.vimi.video.ImageLoader;
import dev.vimi.video.VideoWriters;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.TreeSet;

public class Probe {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    System.out.println("module " + ImageLoader.class.getModule().getName());
    System.out.println("jcodec " + ModuleLayer.boot().findModule("jcodec").isPresent());
    System.out.println("webp-module " + ModuleLayer.boot().findModule("com.twelvemonkeys.imageio.webp").isPresent());

    TreeSet<String> names = new TreeSet<>();
    for (VideoWriterProvider p : ServiceLoader.load(VideoWriterProvider.class)) {
      names.add(p.name() + "@" + p.getClass().getModule().getName());
    }
    System.out.println("providers " + names);

    ImageLoader loader = ImageLoader.withDefaultLimits();
    BufferedImage webp = loader.read(dir.resolve("pattern-lossless.webp"));
    System.out.println("webp " + webp.getWidth() + "x" + webp.getHeight() + " " + Integer.toHexString(webp.getRGB(3, 2) & 0xFFFFFF));
    BufferedImage cmyk = loader.read(ImageRef.of(dir.resolve("cyan-yellow-cmyk.jpg")));
    System.out.println("cmyk " + Integer.toHexString(cmyk.getRGB(27, 8) & 0xFFFFFF));

    float[] v = new float[3 * 4 * 16 * 16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(i * 0.01);
    }
    Video video = new Video(Tensor.of(v, 3, 4, 16, 16), 24f);
    for (String name : new String[] {"out.mp4", "out.gif", "frames"}) {
      VideoWriters.forPath(dir.resolve(name)).write(video, dir.resolve(name), 2);
    }
    ContactSheet.write(video, dir.resolve("sheet.png"), 2, 1);
    System.out.println("mp4 " + (Files.size(dir.resolve("out.mp4")) > 0));
    System.out.println("gif " + (Files.size(dir.resolve("out.gif")) > 0));
    System.out.println("frames " + Files.exists(dir.resolve("frames").resolve("frame_0003.png")));
    System.out.println("sheet " + loader.header(ImageRef.of(dir.resolve("sheet.png"))));
  }
}
