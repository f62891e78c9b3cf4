package dev.vimi.spi;

import java.nio.FloatBuffer;
import java.util.Arrays;

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
   * @throws InvalidInputException if the input does not fit the spec or is not finite
   * @throws IllegalStateException if the denoiser is closed
   * @throws BackendException if the network fails
   */
  Tensor evaluate(DenoiserInput input);

  /**
   * Runs the network and writes its output into a buffer the caller owns, so that a caller that
   * evaluates at every sampler step can reuse one buffer instead of receiving a new tensor each
   * time. The values are those {@link #evaluate} returns, bit for bit.
   *
   * <p>The default calls {@link #evaluate} and copies. A backend that can have its engine write into
   * {@code out} directly (the {@code onnx} backend does, when {@code out} is a direct buffer in
   * native byte order such as {@link Tensor#allocate} returns) overrides it.
   *
   * @param out receives the output, shape {@code [B, C, T, H, W]} of {@code input.x()} in row-major
   *     order, at indices {@code [0, input.x().size())}; its position, limit and the values after
   *     them are left alone. The denoiser writes it only during the call and keeps no reference;
   *     concurrent calls need buffers of their own.
   * @throws InvalidInputException if {@code out} is read-only or holds fewer than {@code
   *     input.x().size()} values
   * @throws BackendException if the network fails, or returns a shape other than the input's
   */
  default void evaluateInto(DenoiserInput input, FloatBuffer out) {
    checkOutputBuffer(input, out);
    Tensor t = evaluate(input);
    if (!Arrays.equals(t.shape(), input.x().shape())) {
      throw new BackendException(
          "denoiser of stage '" + spec().stage() + "' returned shape " + Arrays.toString(t.shape())
              + " but the input video has shape " + Arrays.toString(input.x().shape())
              + "; check the graph's output name and the stage's frames/height/width in the model manifest");
    }
    out.duplicate().clear().put(0, t.buffer(), 0, t.size());
  }

  /**
   * Checks that {@code out} can take the output for {@code input} ({@link #evaluateInto}'s
   * precondition), for implementations that override it.
   */
  static void checkOutputBuffer(DenoiserInput input, FloatBuffer out) {
    if (out.isReadOnly()) {
      throw new InvalidInputException("out", "the output buffer is read-only");
    }
    if (out.capacity() < input.x().size()) {
      throw new InvalidInputException(
          "out", "the output buffer holds " + out.capacity() + " values but the output " + input.x() + " needs "
              + input.x().size());
    }
  }

  /** Releases native memory and sessions; later evaluations throw {@link IllegalStateException}. Idempotent. */
  @Override
  void close();
}
