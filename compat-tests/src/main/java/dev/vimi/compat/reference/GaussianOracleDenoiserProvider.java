package dev.vimi.compat.reference;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.SelfTestSetup;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Provider {@code gaussian-oracle}: the exact denoiser of Gaussian data. Every pixel of the data is
 * independently {@code N(mu, s^2)} with {@code mu = mean + gain * c}, where {@code c} is the masked
 * mean of the conditioning's first channel (0 for the empty conditioning). The ideal denoiser is
 * {@code D(x; sigma) = (s^2 x + sigma^2 mu) / (s^2 + sigma^2)}, and the probability-flow ODE has the
 * closed-form solution {@code x(sigma) = mu + (x(sigma_0) - mu) sqrt(s^2+sigma^2)/sqrt(s^2+sigma_0^2)}.
 *
 * <p>Configuration: {@code mean} (default 0), {@code std} (s, default 0.5), {@code gain} (default 1),
 * {@code max-batch} (default 64). Reference provider for tests; it has no use in production.
 */
public final class GaussianOracleDenoiserProvider implements DenoiserProvider {
  public static final String NAME = "gaussian-oracle";

  /** The keys this provider reads; any other is refused with a \"did you mean\". */
  static final java.util.List<String> KEYS = java.util.List.of("mean", "std", "gain", "max-batch");

  @Override
  public String name() {
    return NAME;
  }

  /** -100: a reference provider is never preferred over a real one. */
  @Override
  public int priority() {
    return -100;
  }

  @Override
  public String description() {
    return "exact denoiser of Gaussian data (reference for tests)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    double mean = config.getDouble("mean", 0.0);
    double std = config.getDouble("std", 0.5);
    double gain = config.getDouble("gain", 1.0);
    int maxBatch = config.getInt("max-batch", 64, 1, 4096);
    if (!(std > 0)) {
      throw new ConfigurationException(config.owner() + ": 'std' must be positive but is " + std);
    }
    double s2 = std * std;
    return new OracleDenoiser(spec, maxBatch) {
      @Override
      double denoise(double x, double sigma, double shift) {
        double mu = mean + gain * shift;
        double v = sigma * sigma;
        return (s2 * x + v * mu) / (s2 + v);
      }
    };
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    DenoiserSpec spec = new DenoiserSpec("self-test", OutputKind.EDM, 0.5, 3, 4, 8, 8, 8, 16, Optional.empty());
    return Optional.of(SelfTestSetup.ofStage(spec, ProviderConfig.empty("denoiser " + NAME)));
  }
}
