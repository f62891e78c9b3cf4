package dev.vimi.sample.host;

import dev.vimi.api.Cancellation;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Video;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** README's example: run it in the folder that holds vimi.properties. */
public final class ReadmeExample {
  private static final Logger log = LoggerFactory.getLogger(ReadmeExample.class);

  public static void main(String[] args) {
    try (VimiPipeline pipeline = VimiPipeline.builder()
            .configure(Path.of("vimi.properties"))   // or vimi.json
            .build()) {
      GenerationResult r = pipeline.generate(
          GenerationRequest.builder().prompt("a dog moves right on a blue background").seed(7).steps(8).build(),
          progress -> log.debug("{} {}/{}", progress.stage(), progress.step(), progress.totalSteps()),
          new Cancellation());
      Video video = r.video();               // [3, T, H, W], clamped to [-1, 1], plus fps
      List<RetrievedItem> grounding = r.retrieved();
      log.info("generated {} frames of {}x{} at {} fps; grounded on {}", video.frameCount(), video.width(),
          video.height(), video.fps(), grounding.stream().map(RetrievedItem::caption).toList());
    }
  }
}
