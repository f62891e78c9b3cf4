/**
 * The vimi API: what integrators call to compose and run a ViMi pipeline, and the engine behind it.
 *
 * <p>Exported: {@code dev.vimi.api} (pipeline, requests, results, configuration, registry) and its
 * sub-packages for model bundles and observing generations ({@code dev.vimi.api.observation}, free of
 * any metrics library). The engine (EDM preconditioning, sigma schedules, Heun/Euler samplers,
 * classifier-free guidance, cascade, built-in tasks) lives in {@code dev.vimi.api.internal.*} and is not
 * exported. Jackson is read for model manifests ({@code dev.vimi.api.model}) and JSON pipeline
 * configuration only. The offline dataset builder is a module of its own, {@code dev.vimi.augment}.
 */
module dev.vimi.api {
  requires transitive dev.vimi.spi;
  requires com.fasterxml.jackson.databind;

  exports dev.vimi.api;
  exports dev.vimi.api.model;
  exports dev.vimi.api.observation;

  uses dev.vimi.spi.RetrieverProvider;
  uses dev.vimi.spi.ConditionEncoderProvider;
  uses dev.vimi.spi.DenoiserProvider;
  uses dev.vimi.spi.TaskProvider;
  uses dev.vimi.spi.VideoWriterProvider;

  provides dev.vimi.spi.TaskProvider with
      dev.vimi.api.internal.tasks.SubjectDrivenTaskProvider,
      dev.vimi.api.internal.tasks.VideoPredictionTaskProvider,
      dev.vimi.api.internal.tasks.TextToVideoTaskProvider;
}
