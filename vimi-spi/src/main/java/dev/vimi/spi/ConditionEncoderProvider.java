package dev.vimi.spi;

/** Service interface for condition encoders. */
public interface ConditionEncoderProvider extends NamedProvider {

  /**
   * Creates an encoder from the operator's keys alone, as {@link #create(ProviderConfig,
   * ProviderContext)} with {@link ProviderContext#none()}.
   */
  ConditionEncoder create(ProviderConfig config);

  /**
   * Creates an encoder for a pipeline: {@code config} holds the operator's keys (refuse any the
   * encoder does not read, with {@link ProviderConfig#requireKnownKeys}); {@code context} holds the
   * model bundle's folder, a resolver of its files and the manifest's encoder settings when the
   * pipeline's model was trained with this encoder (an operator key wins over the same setting).
   *
   * <p>The default serves encoders that read no bundle: it refuses a non-empty manifest section
   * (a setting silently dropped would be a model run with the wrong encoder) and otherwise calls
   * {@link #create(ProviderConfig)}. An encoder that reads the context overrides this method and
   * implements {@link #create(ProviderConfig)} as {@code create(config, ProviderContext.none())}.
   *
   * @throws ConfigurationException for an unknown key or setting, naming it and the known ones
   */
  default ConditionEncoder create(ProviderConfig config, ProviderContext context) {
    if (!context.section().isEmpty()) {
      throw new ConfigurationException(
          "encoder '" + name() + "' (" + getClass().getName() + ") does not read a model bundle's encoder settings,"
              + " but the model bundle gives it " + context.section().keySet() + "; use the encoder the model was"
              + " trained with, or ask the encoder's author to override create(ProviderConfig, ProviderContext)");
    }
    return create(config);
  }
}
