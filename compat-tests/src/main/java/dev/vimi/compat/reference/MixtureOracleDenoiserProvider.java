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
 * Provider {@code mixture-oracle}: the exact denoiser of data whose pixels are independently drawn
 * from a mixture of Gaussians {@code sum_k w_k N(mu_k + gain*c, s_k^2)} ({@code c} as for {@link
 * GaussianOracleDenoiserProvider}). The posterior mean is {@code sum_k r_k(x) (s_k^2 x + sigma^2
 * mu_k) / (s_k^2 + sigma^2)} with responsibilities {@code r_k} proportional to {@code w_k N(x; mu_k,
 * s_k^2 + sigma^2)}.
 *
 * <p>Configuration: {@code components} as {@code mu:std:weight} separated by {@code ;} (default
 * {@code -1:0.2:0.3;1:0.2:0.7}), {@code gain} (default 1), {@code max-batch} (default 64).
 */
public final class MixtureOracleDenoiserProvider implements DenoiserProvider {
  public static final String NAME = "mixture-oracle";

  /** The keys this provider reads; any other is refused with a \"did you mean\". */
  static final java.util.List<String> KEYS = java.util.List.of("components", "gain", "max-batch");

  @Override
  public String name() {
    return NAME;
  }

  /** -200: a reference provider is never preferred over a real one. */
  @Override
  public int priority() {
    return -200;
  }

  @Override
  public String description() {
    return "exact denoiser of Gaussian-mixture data (reference for tests)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    String spec0 = config.getString("components", "-1:0.2:0.3;1:0.2:0.7");
    String[] parts = spec0.split(";");
    int k = parts.length;
    double[] mu = new double[k];
    double[] var = new double[k];
    double[] logW = new double[k];
    double wsum = 0;
    for (int i = 0; i < k; i++) {
      String[] f = parts[i].trim().split(":");
      try {
        if (f.length != 3) {
          throw new NumberFormatException("expected mu:std:weight");
        }
        mu[i] = Double.parseDouble(f[0]);
        double sd = Double.parseDouble(f[1]);
        double w = Double.parseDouble(f[2]);
        if (!(sd > 0) || !(w > 0)) {
          throw new NumberFormatException("std and weight must be positive");
        }
        var[i] = sd * sd;
        logW[i] = Math.log(w);
        wsum += w;
      } catch (NumberFormatException e) {
        throw new ConfigurationException(
            config.owner() + ": 'components' entry " + i + " ('" + parts[i] + "') must be mu:std:weight with positive std and weight", e);
      }
    }
    double logWsum = Math.log(wsum);
    for (int i = 0; i < k; i++) {
      logW[i] -= logWsum;
    }
    double gain = config.getDouble("gain", 1.0);
    int maxBatch = config.getInt("max-batch", 64, 1, 4096);
    return new OracleDenoiser(spec, maxBatch) {
      @Override
      double denoise(double x, double sigma, double shift) {
        double s2 = sigma * sigma;
        double[] logR = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
          double v = var[i] + s2;
          double dx = x - (mu[i] + gain * shift);
          logR[i] = logW[i] - 0.5 * Math.log(v) - dx * dx / (2 * v);
          max = Math.max(max, logR[i]);
        }
        double z = 0;
        double num = 0;
        for (int i = 0; i < k; i++) {
          double r = Math.exp(logR[i] - max);
          double m = mu[i] + gain * shift;
          z += r;
          num += r * (var[i] * x + s2 * m) / (var[i] + s2);
        }
        return num / z;
      }
    };
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    DenoiserSpec spec = new DenoiserSpec("self-test", OutputKind.V, 1.0, 3, 4, 8, 8, 8, 16, Optional.empty());
    return Optional.of(SelfTestSetup.ofStage(spec, ProviderConfig.empty("denoiser " + NAME)));
  }
}
