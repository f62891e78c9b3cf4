package dev.vimi.spi;

/** Service interface for denoiser backends ({@code "onnx"}, {@code "pytorch"}, ...). */
public interface DenoiserProvider extends NamedProvider {

  /**
   * Creates a denoiser for one cascade stage. Validate the spec and the configuration (device,
   * threads) before starting native libraries where possible, and never fall back silently to
   * another device than the one configured.
   */
  Denoiser create(DenoiserSpec spec, ProviderConfig config);
}
