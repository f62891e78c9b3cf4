package dev.vimi.spi;

/**
 * One network evaluation of a video denoiser: {@code F(c_in * x, c_noise, C, fps, resolution)}. The
 * sampler's arithmetic (preconditioning, schedule, guidance, Heun steps) lives in the core; a
 * denoiser only runs its network.
 *
 * <p><b>Contract</b> (checked by {@code dev.vimi.compat.DenoiserContractSuite}): the output has the
 * shape of {@code input.x()}, is finite for finite input, and is deterministic; batch elements are
 * independent (evaluating a batch gives the same rows as evaluating each element alone, within the
 * backend's float tolerance). An input whose video or conditioning shape does not fit {@link #spec()},
 * or that holds NaN or infinity, is refused with {@link InvalidInputException}. After {@link #close()}
 * (which is idempotent) {@link #evaluate} throws {@link IllegalStateException}.
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
   * Runs the network.
   *
   * @return the raw network output, shape {@code [B, C, T, H, W]}, to be read per {@link
   *     DenoiserSpec#outputKind()}
   * @throws InvalidInputException if the input does not fit the spec or is not finite
   * @throws IllegalStateException if the denoiser is closed
   * @throws BackendException if the network fails
   */
  Tensor evaluate(DenoiserInput input);

  /** Releases native memory and sessions; later evaluations throw {@link IllegalStateException}. Idempotent. */
  @Override
  void close();
}
