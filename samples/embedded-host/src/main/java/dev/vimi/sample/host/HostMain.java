package dev.vimi.sample.host;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Plugins;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Video;
import dev.vimi.spi.VideoWriterProvider;
import java.nio.file.Path;

/**
 * The smallest real host: build a pipeline from a configuration file, generate one video, write it
 * with whichever video writer plugin handles the output's extension, close.
 *
 * <pre>java --module-path jars -m dev.vimi.sample.host/dev.vimi.sample.host.HostMain vimi.properties "a dog surfing" [out.mp4]</pre>
 */
public final class HostMain {
  private HostMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: HostMain <config.properties|config.json> <prompt> [output file]");
      System.exit(2);
    }
    Path config = Path.of(args[0]);
    Plugins plugins = Plugins.discover();
    try (VimiPipeline pipeline = VimiPipeline.builder().plugins(plugins).configure(config).build()) {
      GenerationResult result = pipeline.generate(GenerationRequest.builder().prompt(args[1]).seed(42).build());
      Video v = result.video();
      float[] px = v.frames().toArray();
      double mean = 0;
      for (float f : px) {
        mean += f;
      }
      mean /= px.length;
      System.out.printf(
          "generated %d frames of %dx%d at %.0f fps with %s in %d ms; pixel mean %.4f%n",
          v.frameCount(), v.width(), v.height(), v.fps(), pipeline, result.elapsed().toMillis(), mean);
      if (args.length > 2) {
        Path out = Path.of(args[2]);
        String name = out.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT) : "";
        for (String writerName : plugins.videoWriters().names()) {
          VideoWriterProvider w = plugins.videoWriters().get(writerName);
          if (w.extensions().contains(ext) || (ext.isEmpty() && w.extensions().isEmpty())) {
            w.create(ProviderConfig.empty("writer " + writerName)).write(v, out, 4);
            System.out.println("wrote " + out);
            return;
          }
        }
        System.err.println("no video writer for '" + name + "'; put vimi-video-io on the module path");
        System.exit(3);
      }
    }
  }
}
