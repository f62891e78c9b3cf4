package dev.vimi.sample.web;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web app's own settings, under {@code web.} (every {@code vimi.} key belongs to the pipeline).
 *
 * @param maxConcurrent generations that run at once
 * @param queueCapacity generations that may wait for a free slot; one more is refused with 429
 * @param workDir the only folder the app writes: the memory it builds and the videos it generates
 * @param memoryData the emoji pairs (pairs.jsonl and images/) the memory is built from
 * @param maxSteps the most sampler steps a visitor may ask for
 * @param videoScale the integer upscale of written videos (ViMi-tiny's are 128x72)
 * @param keepVideos finished generations kept; older ones and their videos are deleted
 */
@ConfigurationProperties("web")
public record WebProperties(
    @DefaultValue("1") int maxConcurrent,
    @DefaultValue("2") int queueCapacity,
    String workDir,
    @DefaultValue("memories/emoji/src/main/resources/dev/vimi/memory/emoji") String memoryData,
    @DefaultValue("48") int maxSteps,
    @DefaultValue("4") int videoScale,
    @DefaultValue("20") int keepVideos) {

  public WebProperties {
    if (workDir == null || workDir.isBlank()) {
      workDir = Path.of(System.getProperty("java.io.tmpdir"), "vimi-web").toString();
    }
    // file paths stay strings here: Spring would read "../x" as a class path resource
    if (maxConcurrent < 1 || queueCapacity < 0 || maxSteps < 1 || videoScale < 1 || keepVideos < 1) {
      throw new IllegalArgumentException(
          "web.max-concurrent, web.max-steps, web.video-scale and web.keep-videos must be at least 1 and web.queue-capacity at least 0");
    }
  }

  /** The work folder, absolute. */
  Path work() {
    return Path.of(workDir).toAbsolutePath().normalize();
  }

  /** The emoji pairs' folder, absolute. */
  Path memory() {
    return Path.of(memoryData).toAbsolutePath().normalize();
  }
}
