package dev.vimi.spi;

/** Service interface for denoiser backends ({@code "onnx"}, {@code "pytorch"}, ...). */
public interface DenoiserProvider extends NamedProvider {

  /**
   * Creates a denoiser for one cascade stage. Validate the spec and the configuration (device,
   * threads) before starting native libraries where possible, and never fall back silently to
   * another device than the one configured.
   */
  Denoiser create(DenoiserSpec spec, ProviderConfig config);

  /**
   * A denoiser the compatibility runner can test without outside help (for example over a small graph
   * the provider ships), or empty if the provider needs a model bundle.
   */
  default java.util.Optional<Denoiser> createForSelfTest(java.nio.file.Path workDir) {
    return java.util.Optional.empty();
  }
}
