package dev.vimi.spi;

import java.util.Locale;

/**
 * What a denoiser network's output means, so that models trained under different parameterisations
 * run under one sampler. With {@code sd} the model's sigma_data and the noisy input {@code x} at
 * noise level {@code sigma}, the sampler forms the denoised estimate
 * {@code D = c_skip * x + c_out * out} (Karras et al. 2022, table 1):
 *
 * <ul>
 *   <li>{@link #EDM}: the raw EDM network F; {@code c_skip = sd^2/(sigma^2+sd^2)}, {@code c_out =
 *       sigma*sd/sqrt(sigma^2+sd^2)}.
 *   <li>{@link #DENOISED}: the network already outputs D; {@code c_skip = 0}, {@code c_out = 1}.
 *   <li>{@link #EPSILON}: the network predicts the noise; {@code c_skip = 1}, {@code c_out =
 *       -sigma}.
 *   <li>{@link #V}: v-prediction with the scaling Stable Video Diffusion uses; {@code c_skip =
 *       sd^2/(sigma^2+sd^2)}, {@code c_out = -sigma*sd/sqrt(sigma^2+sd^2)}.
 * </ul>
 *
 * For every kind but {@link #DENOISED} the network receives {@code c_in * x} with {@code c_in =
 * 1/sqrt(sigma^2+sd^2)} and {@code c_noise = ln(sigma)/4}; a {@link #DENOISED} network receives
 * {@code x} unscaled. Both sigma and c_noise are offered to the network; its graph takes the one it
 * was trained with.
 */
public enum OutputKind {
  EDM,
  DENOISED,
  EPSILON,
  V;

  /** {@code c_skip(sigma)}: the weight of the noisy input in the denoised estimate. */
  public double cSkip(double sigma, double sigmaData) {
    double sd2 = sigmaData * sigmaData;
    return switch (this) {
      case EDM, V -> sd2 / (sigma * sigma + sd2);
      case DENOISED -> 0.0;
      case EPSILON -> 1.0;
    };
  }

  /** {@code c_out(sigma)}: the weight of the network output in the denoised estimate. */
  public double cOut(double sigma, double sigmaData) {
    return switch (this) {
      case EDM -> sigma * sigmaData / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
      case V -> -sigma * sigmaData / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
      case DENOISED -> 1.0;
      case EPSILON -> -sigma;
    };
  }

  /** {@code c_in(sigma)}: the scale applied to the noisy input before the network sees it. */
  public double cIn(double sigma, double sigmaData) {
    return this == DENOISED ? 1.0 : 1.0 / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
  }

  /** {@code c_noise(sigma) = ln(sigma)/4}, the noise-level input of the network. */
  public static double cNoise(double sigma) {
    return Math.log(sigma) / 4.0;
  }

  /** Parses the manifest spelling: {@code edm}, {@code denoised}, {@code epsilon} (or {@code eps}), {@code v}. */
  public static OutputKind parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "edm", "f", "edm-f" -> EDM;
      case "denoised", "d", "x0" -> DENOISED;
      case "epsilon", "eps" -> EPSILON;
      case "v" -> V;
      default ->
          throw new InvalidInputException(
              "output_kind", "unknown output kind '" + s + "'; expected one of edm, denoised, epsilon, v");
    };
  }
}
