package dev.vimi.compat.reference;

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
import java.util.Optional;

/**
 * Provider {@code gaussian-frames-oracle}: the exact denoiser of videos whose frames are jointly
 * Gaussian, and the exact <em>conditional</em> denoiser given known frames -- the closed-form
 * reference for conditioning frames and long videos.
 *
 * <p><b>The data.</b> At every pixel position (channel, y, x) independently, the values over the T
 * frames are jointly Gaussian {@code N(mu 1, Sigma)} with {@code mu = mean + gain * c} ({@code c}
 * the masked mean of the conditioning's first channel, as in {@code gaussian-oracle}) and the
 * stationary AR(1) covariance {@code Sigma_ij = s^2 rho^|i - j|}.
 *
 * <p><b>The exact denoiser.</b> With known frames K holding values {@code k} (from {@code
 * known_frames}/{@code known_mask}; none when the input has no mask) and unknown frames U, the prior
 * of the unknown frames is the conditional Gaussian {@code N(m, S)}, {@code m = mu + Sigma_UK
 * Sigma_KK^-1 (k - mu)}, {@code S = Sigma_UU - Sigma_UK Sigma_KK^-1 Sigma_KU}, and the ideal denoiser
 * of the noisy {@code x = x0 + sigma n} is {@code D_U = m + S (S + sigma^2 I)^-1 (x_U - m)}, {@code D_K
 * = k}. Sampling the probability-flow ODE with it draws the unknown frames from {@code N(m, S)} and
 * reproduces the known frames exactly at sigma 0.
 *
 * <p>Configuration: {@code mean} (default 0), {@code std} (s, 0.5), {@code rho} (0.8, in (-1, 1)),
 * {@code gain} (1), {@code max-batch} (64). It reads conditioning frames ({@link
 * Denoiser#takesKnownFrames()} is true). Reference provider for tests; it has no use in production.
 */
public final class GaussianFramesOracleDenoiserProvider implements DenoiserProvider {
  public static final String NAME = "gaussian-frames-oracle";

  /** The keys this provider reads; any other is refused with a \"did you mean\". */
  static final java.util.List<String> KEYS = java.util.List.of("mean", "std", "rho", "gain", "max-batch");

  @Override
  public String name() {
    return NAME;
  }

  /**
   * -150: a reference provider is never preferred over a real one, and among the oracles the plain
   * gaussian-oracle (-100) stays the default (a tie would make the choice depend on discovery order).
   */
  @Override
  public int priority() {
    return -150;
  }

  @Override
  public String description() {
    return "exact (conditional) denoiser of videos with jointly Gaussian frames (reference for tests)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    double mean = config.getDouble("mean", 0.0);
    double std = config.getDouble("std", 0.5);
    double rho = config.getDouble("rho", 0.8);
    double gain = config.getDouble("gain", 1.0);
    int maxBatch = config.getInt("max-batch", 64, 1, 4096);
    if (!(std > 0)) {
      throw new ConfigurationException(config.owner() + ": 'std' must be positive but is " + std);
    }
    if (!(rho > -1 && rho < 1)) {
      throw new ConfigurationException(config.owner() + ": 'rho' must be in (-1, 1) but is " + rho);
    }
    return new FramesOracle(spec, maxBatch, mean, std, rho, gain);
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    DenoiserSpec spec = new DenoiserSpec("self-test", OutputKind.EDM, 0.5, 3, 4, 8, 8, 8, 16, Optional.empty());
    return Optional.of(SelfTestSetup.ofStage(spec, ProviderConfig.empty("denoiser " + NAME)));
  }

  /** The AR(1) covariance {@code s^2 rho^|i-j|} of T frames. */
  public static double[][] covariance(int frames, double std, double rho) {
    double[][] c = new double[frames][frames];
    for (int i = 0; i < frames; i++) {
      for (int j = 0; j < frames; j++) {
        c[i][j] = std * std * Math.pow(rho, Math.abs(i - j));
      }
    }
    return c;
  }

  private static final class FramesOracle implements Denoiser {
    private final DenoiserSpec spec;
    private final int maxBatch;
    private final double mean;
    private final double gain;
    private final double[][] sigma;
    private volatile boolean closed;

    FramesOracle(DenoiserSpec spec, int maxBatch, double mean, double std, double rho, double gain) {
      this.spec = spec;
      this.maxBatch = maxBatch;
      this.mean = mean;
      this.gain = gain;
      this.sigma = covariance(spec.frames(), std, rho);
    }

    @Override
    public DenoiserSpec spec() {
      return spec;
    }

    @Override
    public int maxBatch() {
      return maxBatch;
    }

    @Override
    public boolean takesKnownFrames() {
      return true;
    }

    @Override
    public Tensor evaluate(DenoiserInput in) {
      if (closed) {
        throw new IllegalStateException("denoiser for stage '" + spec.stage() + "' is closed");
      }
      OracleDenoiser.checkInput(spec, maxBatch, in);
      int[] expected = spec.videoShape();
      int[] got = in.x().shape();
      OutputKind kind = spec.outputKind();
      double sd = spec.sigmaData();
      int c = expected[0];
      int t = expected[1];
      int plane = expected[2] * expected[3];
      int n = c * t * plane;
      FloatBuffer out = Tensor.allocate(in.x().size());
      float[] sigmas = in.sigma();
      for (int b = 0; b < in.batch(); b++) {
        double s = sigmas[b];
        double cIn = kind.cIn(s, sd);
        double cSkip = kind.cSkip(s, sd);
        double cOut = kind.cOut(s, sd);
        double mu = mean + gain * Conditioned.shift(in, b);
        boolean[] known = new boolean[t];
        for (int f = 0; in.knownMask() != null && f < t; f++) {
          known[f] = in.knownMask().get(b * t + f) != 0f;
        }
        Posterior post = Posterior.of(sigma, known, s);
        double[] x = new double[t];
        double[] k = new double[t];
        for (int ch = 0; ch < c; ch++) {
          for (int p = 0; p < plane; p++) {
            for (int f = 0; f < t; f++) {
              int idx = b * n + (ch * t + f) * plane + p;
              x[f] = in.x().get(idx) / cIn;
              k[f] = known[f] ? in.knownFrames().get(idx) : 0;
            }
            double[] d = post.denoise(x, k, mu);
            for (int f = 0; f < t; f++) {
              int idx = b * n + (ch * t + f) * plane + p;
              out.put(idx, (float) ((d[f] - cSkip * x[f]) / cOut));
            }
          }
        }
      }
      return Tensor.wrap(out, got);
    }

    @Override
    public void close() {
      closed = true; // holds nothing else; later evaluations are refused
    }
  }

  /** The conditional denoiser at one noise level for one known-frame pattern: D_U = m + A (x_U - m), m = mu + B (k - mu). */
  private record Posterior(int[] unknown, int[] known, double[][] a, double[][] b) {
    static Posterior of(double[][] cov, boolean[] isKnown, double sigma) {
      int t = isKnown.length;
      int[] u = java.util.stream.IntStream.range(0, t).filter(i -> !isKnown[i]).toArray();
      int[] k = java.util.stream.IntStream.range(0, t).filter(i -> isKnown[i]).toArray();
      double[][] suk = sub(cov, u, k);
      double[][] skk = sub(cov, k, k);
      // B = S_UK S_KK^-1 (transpose of S_KK^-1 S_KU, S_KK symmetric)
      double[][] b = k.length == 0 ? new double[u.length][0] : transpose(solve(skk, transpose(suk)));
      // S = S_UU - B S_KU
      double[][] s = sub(cov, u, u);
      for (int i = 0; i < u.length; i++) {
        for (int j = 0; j < u.length; j++) {
          double acc = 0;
          for (int q = 0; q < k.length; q++) {
            acc += b[i][q] * suk[j][q];
          }
          s[i][j] -= acc;
        }
      }
      // A = S (S + sigma^2 I)^-1 = ((S + sigma^2 I)^-1 S)^T, both symmetric
      double[][] shifted = new double[u.length][u.length];
      for (int i = 0; i < u.length; i++) {
        shifted[i] = s[i].clone();
        shifted[i][i] += sigma * sigma;
      }
      double[][] a = transpose(solve(shifted, s));
      return new Posterior(u, k, a, b);
    }

    double[] denoise(double[] x, double[] kv, double mu) {
      double[] d = new double[x.length];
      double[] m = new double[unknown.length];
      for (int i = 0; i < unknown.length; i++) {
        double acc = mu;
        for (int q = 0; q < known.length; q++) {
          acc += b[i][q] * (kv[known[q]] - mu);
        }
        m[i] = acc;
      }
      for (int i = 0; i < unknown.length; i++) {
        double acc = m[i];
        for (int j = 0; j < unknown.length; j++) {
          acc += a[i][j] * (x[unknown[j]] - m[j]);
        }
        d[unknown[i]] = acc;
      }
      for (int q : known) {
        d[q] = kv[q];
      }
      return d;
    }

    private static double[][] sub(double[][] m, int[] rows, int[] cols) {
      double[][] out = new double[rows.length][cols.length];
      for (int i = 0; i < rows.length; i++) {
        for (int j = 0; j < cols.length; j++) {
          out[i][j] = m[rows[i]][cols[j]];
        }
      }
      return out;
    }

    private static double[][] transpose(double[][] m) {
      int r = m.length;
      int c = r == 0 ? 0 : m[0].length;
      double[][] out = new double[c][r];
      for (int i = 0; i < r; i++) {
        for (int j = 0; j < c; j++) {
          out[j][i] = m[i][j];
        }
      }
      return out;
    }

    /** Solves {@code M X = R} for X by Gaussian elimination with partial pivoting (M is small and well conditioned). */
    private static double[][] solve(double[][] m, double[][] r) {
      int n = m.length;
      int cols = n == 0 ? 0 : r[0].length;
      double[][] a = new double[n][];
      double[][] x = new double[n][];
      for (int i = 0; i < n; i++) {
        a[i] = m[i].clone();
        x[i] = r[i].clone();
      }
      for (int p = 0; p < n; p++) {
        int best = p;
        for (int i = p + 1; i < n; i++) {
          if (Math.abs(a[i][p]) > Math.abs(a[best][p])) {
            best = i;
          }
        }
        double[] tmp = a[p];
        a[p] = a[best];
        a[best] = tmp;
        tmp = x[p];
        x[p] = x[best];
        x[best] = tmp;
        for (int i = p + 1; i < n; i++) {
          double f = a[i][p] / a[p][p];
          for (int j = p; j < n; j++) {
            a[i][j] -= f * a[p][j];
          }
          for (int j = 0; j < cols; j++) {
            x[i][j] -= f * x[p][j];
          }
        }
      }
      for (int p = n - 1; p >= 0; p--) {
        for (int j = 0; j < cols; j++) {
          double acc = x[p][j];
          for (int q = p + 1; q < n; q++) {
            acc -= a[p][q] * x[q][j];
          }
          x[p][j] = acc / a[p][p];
        }
      }
      return x;
    }
  }
}
