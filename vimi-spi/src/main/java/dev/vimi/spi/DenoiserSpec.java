package dev.vimi.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What the pipeline tells a denoiser provider about the network it must run: the stage's geometry,
 * the output parameterisation and, for backends that run exported graphs, the graph. Immutable.
 *
 * @param stage the cascade stage's name (e.g. {@code "base"}, {@code "upsampler"})
 * @param outputKind what the network's output means
 * @param sigmaData the data standard deviation the preconditioning uses (EDM default 0.5)
 * @param channels video channels C
 * @param frames frames T
 * @param height height H in pixels
 * @param width width W in pixels
 * @param conditioningLength conditioning sequence length L
 * @param conditioningDim conditioning token dimension D
 * @param graph the exported graph for this backend, empty for providers that need none
 */
public record DenoiserSpec(
    String stage,
    OutputKind outputKind,
    double sigmaData,
    int channels,
    int frames,
    int height,
    int width,
    int conditioningLength,
    int conditioningDim,
    Optional<GraphSpec> graph) {

  public DenoiserSpec {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(outputKind, "outputKind");
    graph = Objects.requireNonNullElse(graph, Optional.empty());
    if (!(sigmaData > 0) || !Double.isFinite(sigmaData)) {
      throw new InvalidInputException("sigma_data", "must be a positive finite number but is " + sigmaData);
    }
    positive("channels", channels);
    positive("frames", frames);
    positive("height", height);
    positive("width", width);
    positive("conditioning_length", conditioningLength);
    positive("conditioning_dim", conditioningDim);
  }

  /** The shape of one video, {@code [C, T, H, W]}. */
  public int[] videoShape() {
    return new int[] {channels, frames, height, width};
  }

  private static void positive(String field, int v) {
    if (v <= 0) {
      throw new InvalidInputException(field, "must be positive but is " + v);
    }
  }
}
