/**
 * The vimi service provider interface: the contracts that retrievers, condition encoders, denoiser
 * backends, task instructions and video writers implement, and the value types they exchange.
 *
 * <p>This module depends on nothing but {@code java.base} and {@code org.slf4j}; a plugin author
 * who implements a retriever never pulls in an inference engine.
 */
module dev.vimi.spi {
  requires transitive org.slf4j;

  exports dev.vimi.spi;

  uses dev.vimi.spi.RetrieverProvider;
  uses dev.vimi.spi.ConditionEncoderProvider;
  uses dev.vimi.spi.DenoiserProvider;
  uses dev.vimi.spi.TaskProvider;
  uses dev.vimi.spi.VideoWriterProvider;
}
