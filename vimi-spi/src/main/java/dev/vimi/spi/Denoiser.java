package dev.vimi.spi;

/**
 * One network evaluation of a video denoiser: {@code F(c_in * x, c_noise, C, fps, resolution)}. The
 * sampler's arithmetic (preconditioning, schedule, guidance, Heun steps) lives in the core; a
 * denoiser only runs its network.
 *
 * <p><b>Contract</b> (checked by {@code dev.vimi.compat.DenoiserContractSuite}): the output has the
 * shape of {@code input.x()}, is finite for finite input, and is deterministic; batch elements are
 * independent (evaluating a batch gives the same rows as evaluating each element alone, within the
 * backend's float tolerance).
 *
 * <p><b>Thread-safety.</b> Implementations must be safe for concurrent use by several pipelines.
 * <b>Ownership.</b> The returned tensor is owned by the caller; the input is not retained.
 */
public interface Denoiser extends AutoCloseable {

  /** The spec this denoiser was created for. */
  DenoiserSpec spec();

  /**
   * The largest batch one call accepts: 1 for graphs exported with a fixed batch of one, larger when
   * the batch axis is dynamic (then the guided and unguided evaluations share one call).
   */
  int maxBatch();

  /**
   * Whether this denoiser reads conditioning frames ({@link DenoiserInput#knownFrames()} and {@link
   * DenoiserInput#knownMask()}). By default: whether its graph declares both {@link
   * InputRole#KNOWN_FRAMES} and {@link InputRole#KNOWN_MASK}. The pipeline refuses requests with
   * conditioning frames for a model whose first stage does not take them.
   */
  default boolean takesKnownFrames() {
    return spec().graph().map(GraphSpec::takesKnownFrames).orElse(false);
  }

  /**
   * Runs the network.
   *
   * @return the raw network output, shape {@code [B, C, T, H, W]}, to be read per {@link
   *     DenoiserSpec#outputKind()}
   * @throws BackendException if the network fails
   */
  Tensor evaluate(DenoiserInput input);

  /** Releases native memory and sessions. Idempotent. */
  @Override
  void close();
}
