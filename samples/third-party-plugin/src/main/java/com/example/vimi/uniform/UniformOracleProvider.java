package com.example.vimi.uniform;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.SelfTestSetup;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Provider {@code uniform-oracle}: the exact denoiser of data whose pixels are independently uniform on
 * {@code [low + c, high + c]}, where {@code c} is the masked mean of the conditioning's first channel.
 * With {@code alpha = (low - x)/sigma} and {@code beta = (high - x)/sigma} the posterior mean is
 * {@code E[x0 | x] = x + sigma (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha))}.
 *
 * <p>Configuration: {@code low} (default -0.5), {@code high} (default 0.5); any other key is refused. Immutable and thread-safe.
 * This is what a third-party plugin looks like: it depends on {@code dev.vimi.spi} only.
 */
public final class UniformOracleProvider implements DenoiserProvider {

  @Override
  public String name() {
    return "uniform-oracle";
  }

  @Override
  public String description() {
    return "exact denoiser of uniform data (sample third-party plugin)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    config.requireKnownKeys(List.of("low", "high"));
    double low = config.getDouble("low", -0.5);
    double high = config.getDouble("high", 0.5);
    if (!(high > low)) {
      throw new ConfigurationException(config.owner() + ": 'high' (" + high + ") must be greater than 'low' (" + low + ")");
    }
    return new UniformOracle(spec, low, high);
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    DenoiserSpec stage = new DenoiserSpec("self-test", OutputKind.EDM, 0.5, 3, 2, 4, 4, 4, 8, Optional.empty());
    return Optional.of(SelfTestSetup.ofStage(stage, ProviderConfig.empty("denoiser uniform-oracle")));
  }

  /**
   * The posterior mean of a pixel uniform on [a, b] observed with Gaussian noise of std sigma. Far
   * outside the interval the ratio is evaluated with the scaled complementary error function, so it
   * neither underflows nor loses precision.
   */
  static double posteriorMean(double x, double sigma, double a, double b) {
    double alpha = (a - x) / sigma;
    double beta = (b - x) / sigma;
    if (beta < 0) {
      return -posteriorMean(-x, sigma, -b, -a);
    }
    double m;
    if (alpha > 0) {
      // x below the interval: phi and Q both carry exp(-alpha^2/2), which cancels
      double r = Math.exp(-0.5 * (beta * beta - alpha * alpha));
      double num = Math.sqrt(2 / Math.PI) * (1 - r);
      double den = Gauss.erfcx(alpha / Math.sqrt(2)) - r * Gauss.erfcx(beta / Math.sqrt(2));
      m = x + sigma * num / den;
    } else {
      m = x + sigma * (Gauss.pdf(alpha) - Gauss.pdf(beta)) / Gauss.cdfDifference(alpha, beta);
    }
    return Math.max(a, Math.min(b, m));
  }

  /** Holds no native resources; still, once closed it refuses work, as the SPI requires. Thread-safe. */
  private static final class UniformOracle implements Denoiser {
    private final DenoiserSpec spec;
    private final double low;
    private final double high;
    private volatile boolean closed;

    UniformOracle(DenoiserSpec spec, double low, double high) {
      this.spec = spec;
      this.low = low;
      this.high = high;
    }

    @Override
    public DenoiserSpec spec() {
      return spec;
    }

    @Override
    public int maxBatch() {
      return 16;
    }

    @Override
    public Tensor evaluate(DenoiserInput in) {
      if (closed) {
        throw new IllegalStateException("uniform-oracle: this denoiser is closed");
      }
      if (!Arrays.equals(Arrays.copyOfRange(in.x().shape(), 1, 5), spec.videoShape())) {
        throw new InvalidInputException("x", "expected videos " + Arrays.toString(spec.videoShape()) + " but got " + in.x());
      }
      if (in.conditioning().dim(1) != spec.conditioningLength() || in.conditioning().dim(2) != spec.conditioningDim()) {
        throw new InvalidInputException(
            "conditioning",
            "expected [B, " + spec.conditioningLength() + ", " + spec.conditioningDim() + "] but got " + in.conditioning());
      }
      if (in.x().firstNonFinite() >= 0 || in.conditioning().firstNonFinite() >= 0) {
        throw new InvalidInputException("x", "inputs must be finite; x or the conditioning holds NaN or infinity");
      }
      OutputKind k = spec.outputKind();
      double sd = spec.sigmaData();
      int n = in.x().size() / in.batch();
      int l = in.conditioning().dim(1);
      int d = in.conditioning().dim(2);
      FloatBuffer out = Tensor.allocate(in.x().size());
      for (int b = 0; b < in.batch(); b++) {
        double sum = 0;
        int valid = 0;
        for (int t = 0; t < l; t++) {
          if (in.mask().get(b * l + t) != 0f) {
            sum += in.conditioning().get((b * l + t) * d);
            valid++;
          }
        }
        double shift = valid == 0 ? 0 : sum / valid;
        double sigma = in.sigma()[b];
        double cIn = k.cIn(sigma, sd);
        double cSkip = k.cSkip(sigma, sd);
        double cOut = k.cOut(sigma, sd);
        for (int j = 0; j < n; j++) {
          double x = in.x().get(b * n + j) / cIn;
          double den = posteriorMean(x, sigma, low + shift, high + shift);
          out.put(b * n + j, (float) ((den - cSkip * x) / cOut));
        }
      }
      return Tensor.wrap(out, in.x().shape());
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
