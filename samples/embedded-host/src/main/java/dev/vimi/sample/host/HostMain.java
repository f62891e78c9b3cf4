package dev.vimi.sample.host;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Plugins;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.InvalidInputException;
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
        VideoWriterProvider w;
        try {
          w = plugins.videoWriterFor(out);
        } catch (InvalidInputException e) {
          System.err.println(e.getMessage() + " (vimi-video-io on the module path writes .mp4, .gif and PNG folders)");
          System.exit(3);
          return;
        }
        w.create(ProviderConfig.empty("writer " + w.name())).write(v, out, 4);
        System.out.println("wrote " + out);
      }
    }
  }
}
