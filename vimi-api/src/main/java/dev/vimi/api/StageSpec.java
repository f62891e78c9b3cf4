package dev.vimi.api;

import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage of a model's cascade: geometry, parameterisation, sampler defaults and the exported graph
 * per backend. The first stage generates the base video; each later stage is conditioned on the
 * previous stage's output resized with {@link #lowResResize()}. Immutable; validated on creation.
 *
 * @param name the stage's name (e.g. {@code "base"}, {@code "upsampler"})
 * @param channels video channels (3 for RGB)
 * @param frames frames T
 * @param height height H in pixels
 * @param width width W in pixels
 * @param fps the frame rate the stage was trained at (ViMi: 24)
 * @param outputKind what the network outputs
 * @param sigmaData EDM sigma_data (0.5 by default)
 * @param sigmaMin smallest sigma of the schedule (0.002)
 * @param sigmaMax largest sigma of the schedule (80)
 * @param rho Karras schedule exponent (7)
 * @param steps default number of sampler steps (ViMi: 256 base, 40 upsampler)
 * @param guidance default classifier-free guidance
 * @param lowResResize how the previous stage's output is resized for this stage (ignored for the first)
 * @param conditioningLength conditioning length L the network takes
 * @param conditioningDim conditioning dimension D the network takes
 * @param graphs exported graphs by backend provider name ({@code "onnx"}, {@code "pytorch"})
 */
public record StageSpec(
    String name,
    int channels,
    int frames,
    int height,
    int width,
    float fps,
    OutputKind outputKind,
    double sigmaData,
    double sigmaMin,
    double sigmaMax,
    double rho,
    int steps,
    Guidance guidance,
    Resize lowResResize,
    int conditioningLength,
    int conditioningDim,
    Map<String, GraphSpec> graphs) {

  /** Most frames a stage may declare. */
  public static final int MAX_FRAMES = 1024;
  /** Largest height or width a stage may declare. */
  public static final int MAX_SIDE = 8192;
  /** Most sampler steps. */
  public static final int MAX_STEPS = 10_000;

  public StageSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(outputKind, "outputKind");
    Objects.requireNonNull(guidance, "guidance");
    lowResResize = Objects.requireNonNullElse(lowResResize, Resize.TRILINEAR);
    graphs = Map.copyOf(Objects.requireNonNullElse(graphs, Map.of()));
    String p = "stage '" + name + "' ";
    range(p + "channels", channels, 1, 64);
    range(p + "frames", frames, 1, MAX_FRAMES);
    range(p + "height", height, 1, MAX_SIDE);
    range(p + "width", width, 1, MAX_SIDE);
    range(p + "steps", steps, 1, MAX_STEPS);
    range(p + "conditioning_length", conditioningLength, 1, 1 << 16);
    range(p + "conditioning_dim", conditioningDim, 1, 1 << 16);
    if (!(fps > 0) || fps > 1000 || !Float.isFinite(fps)) {
      throw new InvalidInputException(p + "fps", "must be in (0, 1000] but is " + fps);
    }
    positiveFinite(p + "sigma_data", sigmaData);
    positiveFinite(p + "sigma_min", sigmaMin);
    positiveFinite(p + "sigma_max", sigmaMax);
    positiveFinite(p + "rho", rho);
    if (sigmaMin >= sigmaMax) {
      throw new InvalidInputException(
          p + "sigma_min", "must be smaller than sigma_max (" + sigmaMax + ") but is " + sigmaMin);
    }
  }

  /** A stage with the paper's EDM defaults (sigma_data 0.5, sigma 0.002..80, rho 7) and no graphs. */
  public static StageSpec edmDefaults(
      String name, int frames, int height, int width, int steps, int conditioningLength, int conditioningDim) {
    return new StageSpec(
        name, 3, frames, height, width, 24f, OutputKind.EDM, 0.5, 0.002, 80, 7, steps,
        Guidance.constant(1.0), Resize.TRILINEAR, conditioningLength, conditioningDim, Map.of());
  }

  /** A copy with other graphs. */
  public StageSpec withGraphs(Map<String, GraphSpec> newGraphs) {
    return new StageSpec(
        name, channels, frames, height, width, fps, outputKind, sigmaData, sigmaMin, sigmaMax, rho, steps,
        guidance, lowResResize, conditioningLength, conditioningDim, newGraphs);
  }

  /** A copy with another output kind and sigma_data. */
  public StageSpec withOutputKind(OutputKind kind, double newSigmaData) {
    return new StageSpec(
        name, channels, frames, height, width, fps, kind, newSigmaData, sigmaMin, sigmaMax, rho, steps,
        guidance, lowResResize, conditioningLength, conditioningDim, graphs);
  }

  /** A copy with another default guidance. */
  public StageSpec withGuidance(Guidance g) {
    return new StageSpec(
        name, channels, frames, height, width, fps, outputKind, sigmaData, sigmaMin, sigmaMax, rho, steps,
        g, lowResResize, conditioningLength, conditioningDim, graphs);
  }

  /** A copy with another sigma range. */
  public StageSpec withSigmas(double min, double max, double newRho) {
    return new StageSpec(
        name, channels, frames, height, width, fps, outputKind, sigmaData, min, max, newRho, steps,
        guidance, lowResResize, conditioningLength, conditioningDim, graphs);
  }

  /** The spec handed to a denoiser provider, with the graph of {@code backend} if the stage has one. */
  public DenoiserSpec denoiserSpec(String backend) {
    return new DenoiserSpec(
        name, outputKind, sigmaData, channels, frames, height, width, conditioningLength, conditioningDim,
        Optional.ofNullable(graphs.get(backend)));
  }

  private static void range(String field, int v, int min, int max) {
    if (v < min || v > max) {
      throw new InvalidInputException(field, "must be in [" + min + ", " + max + "] but is " + v);
    }
  }

  private static void positiveFinite(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new InvalidInputException(field, "must be a positive finite number but is " + v);
    }
  }
}
