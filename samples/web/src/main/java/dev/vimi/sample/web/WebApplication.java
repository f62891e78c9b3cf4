package dev.vimi.sample.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A page to try vimi: prompt, task, steps, guidance and seed in; the retrieved pictures, live
 * progress and the video out. The pipeline bean comes from the vimi starter and {@code
 * application.properties}; this application adds the emoji memory, the generation queue and the
 * HTTP API the page uses.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebApplication {
  public static void main(String[] args) {
    SpringApplication.run(WebApplication.class, args);
  }
}
