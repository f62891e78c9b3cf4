/**
 * vimi on Micrometer: {@link dev.vimi.micrometer.MicrometerGenerationObserver} turns the events of
 * vimi's {@code GenerationObserver} into timers, a distribution summary and an {@code Observation}.
 * Micrometer jars carry automatic module names ({@code micrometer.core}, {@code
 * micrometer.observation}).
 */
module dev.vimi.micrometer {
  requires transitive dev.vimi.api;
  requires transitive micrometer.core;
  requires transitive micrometer.observation;
  requires micrometer.commons;

  exports dev.vimi.micrometer;
}
