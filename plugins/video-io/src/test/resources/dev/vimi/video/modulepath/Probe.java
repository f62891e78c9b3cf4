// Run by ModulePathTest in a fresh JVM: java --module-path <jars> --add-modules dev.vimi.video Probe.java <dir>
// It sits in the unnamed module and uses dev.vimi.video and the SPI as a host application would.
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.ContactSheet;
import dev.vimi.video.VideoWriters;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.TreeSet;

public class Probe {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    System.out.println("module " + VideoWriters.class.getModule().getName());
    System.out.println("jcodec " + ModuleLayer.boot().findModule("jcodec").isPresent());

    TreeSet<String> names = new TreeSet<>();
    for (VideoWriterProvider p : ServiceLoader.load(VideoWriterProvider.class)) {
      names.add(p.name() + "@" + p.getClass().getModule().getName());
    }
    System.out.println("providers " + names);

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
    BufferedImage sheet = javax.imageio.ImageIO.read(dir.resolve("sheet.png").toFile());
    System.out.println("sheet " + sheet.getWidth() + "x" + sheet.getHeight());
  }
}
