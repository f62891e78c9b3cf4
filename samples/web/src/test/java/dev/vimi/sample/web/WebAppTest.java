package dev.vimi.sample.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The app as it runs, on a random port, with the real ViMi-tiny pipeline on CPU and the emoji memory
 * (built once into target/web-test-work); one generation at a time and one waiting. Every test class
 * with this annotation shares one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "vimi.model=../../models/vimi-tiny/bundle",
      "web.memory-data=../../memories/emoji/src/main/resources/dev/vimi/memory/emoji",
      "web.work-dir=target/web-test-work",
      "web.max-concurrent=1",
      "web.queue-capacity=1"
    })
@interface WebAppTest {}
