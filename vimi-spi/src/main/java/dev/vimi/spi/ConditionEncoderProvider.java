package dev.vimi.spi;

/** Service interface for condition encoders. */
public interface ConditionEncoderProvider extends NamedProvider {

  /**
   * Creates an encoder. The configuration carries the provider's own keys plus, when the pipeline
   * was built from a model bundle, the bundle's encoder section under {@code model.*} (for example
   * {@code model.dir}).
   */
  ConditionEncoder create(ProviderConfig config);

  /**
   * An encoder the compatibility runner can test without outside help (for example one built from
   * files the provider ships), or empty if the provider needs a model bundle.
   */
  default java.util.Optional<ConditionEncoder> createForSelfTest(java.nio.file.Path workDir) {
    return java.util.Optional.empty();
  }
}
