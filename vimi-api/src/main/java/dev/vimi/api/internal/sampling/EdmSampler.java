package dev.vimi.api.internal.sampling;

import dev.vimi.api.Churn;
import dev.vimi.api.SamplerKind;
import java.util.function.IntConsumer;

/**
 * The EDM sampler of Karras et al. (2022, algorithm 2) over the probability-flow ODE {@code dx/dsigma
 * = (x - D(x; sigma)) / sigma}: Heun's second-order method (or Euler), with optional churn. With
 * churn off the sampler is deterministic. The Euler correction is skipped on the last step, whose
 * target sigma is 0. The state is kept in double precision.
 *
 * <p>Stateless and thread-safe; each call owns its arrays, which it allocates once (the state, the next
 * state, the slope and the denoised estimates) and reuses from step to step.
 */
public final class EdmSampler {
  private final SamplerKind kind;
  private final Churn churn;

  public EdmSampler(SamplerKind kind, Churn churn) {
    this.kind = kind;
    this.churn = churn;
  }

  /** Sees the sampler after each step. */
  @FunctionalInterface
  public interface StepObserver {
    /**
     * @param done steps completed
     * @param denoised the step's denoised estimate {@code D(x; sigma_hat)}; read it during the call
     *     only (copy what you keep), never write it
     */
    void afterStep(int done, double[] denoised);
  }

  /**
   * Integrates from {@code x = sigmas[0] * noise} down the schedule.
   *
   * @param noise standard-normal initial noise (not modified)
   * @param sigmas the schedule, decreasing, ending with 0
   * @param d the denoiser
   * @param churnNoise the source of churn noise (used only when churn is on)
   * @param afterStep called with the number of completed steps after each step
   * @return the final sample
   */
  public double[] sample(double[] noise, double[] sigmas, DenoiseFunction d, NoiseSource churnNoise, IntConsumer afterStep) {
    return sample(noise, sigmas, d, new NoiseSource[] {churnNoise}, (done, den) -> afterStep.accept(done));
  }

  /**
   * Integrates a batch of independent items held back to back in one array: item {@code i} is
   * {@code noise[i * n / items .. (i + 1) * n / items)} and draws its churn noise from {@code
   * churnNoise[i]}. Every element's arithmetic is the same as when its item is sampled alone, so each
   * item's result is bit-identical to a run of that item alone (given a denoiser whose rows are).
   *
   * @param churnNoise one churn source per item (used only when churn is on)
   */
  public double[] sample(double[] noise, double[] sigmas, DenoiseFunction d, NoiseSource[] churnNoise, StepObserver afterStep) {
    int n = noise.length;
    int items = churnNoise.length;
    if (items < 1 || n % items != 0) {
      throw new IllegalArgumentException(n + " values do not split into " + items + " items");
    }
    int itemSize = n / items;
    // the state and the step's work arrays, allocated once per run: x and xNext swap after every step
    double[] x = new double[n];
    double[] xNext = new double[n];
    double[] slope = new double[n];
    double[] den = new double[n];
    double[] den2 = kind == SamplerKind.HEUN ? new double[n] : null;
    for (int j = 0; j < n; j++) {
      x[j] = noise[j] * sigmas[0];
    }
    int steps = sigmas.length - 1;
    double gammaMax = churn.isNone() ? 0 : Math.min(churn.amount() / steps, Math.sqrt(2) - 1);
    for (int i = 0; i < steps; i++) {
      double sigma = sigmas[i];
      double next = sigmas[i + 1];
      double gamma = sigma >= churn.sMin() && sigma <= churn.sMax() ? gammaMax : 0;
      double sigmaHat = sigma * (1 + gamma);
      if (gamma > 0) {
        double scale = Math.sqrt(sigmaHat * sigmaHat - sigma * sigma) * churn.sNoise();
        for (int j = 0; j < n; j++) {
          x[j] += scale * churnNoise[j / itemSize].nextGaussian();
        }
      }
      d.denoiseInto(x, sigmaHat, den);
      double h = next - sigmaHat;
      for (int j = 0; j < n; j++) {
        slope[j] = (x[j] - den[j]) / sigmaHat;
        xNext[j] = x[j] + h * slope[j];
      }
      if (kind == SamplerKind.HEUN && next != 0) {
        d.denoiseInto(xNext, next, den2);
        for (int j = 0; j < n; j++) {
          double slope2 = (xNext[j] - den2[j]) / next;
          xNext[j] = x[j] + h * 0.5 * (slope[j] + slope2);
        }
      }
      double[] previous = x;
      x = xNext;
      xNext = previous;
      afterStep.afterStep(i + 1, den);
    }
    return x;
  }

  /** Network evaluations a run of {@code steps} steps makes (per guidance branch). */
  public int evaluations(int steps) {
    return kind == SamplerKind.HEUN ? 2 * steps - 1 : steps;
  }
}
