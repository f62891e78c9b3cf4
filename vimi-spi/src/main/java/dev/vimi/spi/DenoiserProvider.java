package dev.vimi.spi;

/** Service interface for denoiser backends ({@code "onnx"}, {@code "pytorch"}, ...). */
public interface DenoiserProvider extends NamedProvider {

  /**
   * Creates a denoiser for one cascade stage. Validate the spec and the configuration (device,
   * threads) before starting native libraries where possible, refuse unknown keys ({@link
   * ProviderConfig#requireKnownKeys}), and never fall back silently to another device than the one
   * configured.
   */
  Denoiser create(DenoiserSpec spec, ProviderConfig config);

  /**
   * Creates a denoiser for one stage of a model bundle: {@code context} holds the bundle's folder and
   * a resolver of its files (the stage's graph in {@code spec} is already resolved). The manifest has
   * no per-backend section, so {@code context.section()} is empty when the engine calls this. The
   * default refuses a non-empty section and calls {@link #create(DenoiserSpec, ProviderConfig)}; a
   * backend that reads the context overrides it.
   */
  default Denoiser create(DenoiserSpec spec, ProviderConfig config, ProviderContext context) {
    if (!context.section().isEmpty()) {
      throw new ConfigurationException(
          "denoiser '" + name() + "' (" + getClass().getName() + ") reads no model bundle section, but is given "
              + context.section().keySet() + "; give its keys in its configuration instead");
    }
    return create(spec, config);
  }
}
