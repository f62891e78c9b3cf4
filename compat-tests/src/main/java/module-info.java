/**
 * The vimi compatibility suites: one abstract JUnit 5 contract suite per SPI, a discovery runner
 * that runs them against every provider on the module path, and reference providers (Gaussian and
 * Gaussian-mixture oracle denoisers, an in-memory BM25 retriever, a feature-hashing condition
 * encoder) that pass their own suites.
 */
module dev.vimi.compat {
  requires transitive dev.vimi.spi;
  requires transitive org.junit.jupiter.api;
  requires transitive org.assertj.core;
  requires org.junit.platform.launcher;
  requires java.desktop;
  requires jdk.jfr;

  exports dev.vimi.compat;
  exports dev.vimi.compat.reference;

  opens dev.vimi.compat to org.junit.platform.commons;

  uses dev.vimi.spi.RetrieverProvider;
  uses dev.vimi.spi.ConditionEncoderProvider;
  uses dev.vimi.spi.DenoiserProvider;
  uses dev.vimi.spi.TaskProvider;
  uses dev.vimi.spi.VideoWriterProvider;

  provides dev.vimi.spi.DenoiserProvider with
      dev.vimi.compat.reference.GaussianOracleDenoiserProvider,
      dev.vimi.compat.reference.GaussianFramesOracleDenoiserProvider,
      dev.vimi.compat.reference.MixtureOracleDenoiserProvider;
  provides dev.vimi.spi.RetrieverProvider with
      dev.vimi.compat.reference.InMemoryRetrieverProvider;
  provides dev.vimi.spi.ConditionEncoderProvider with
      dev.vimi.compat.reference.HashingConditionEncoderProvider;
}
