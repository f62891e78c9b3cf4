package dev.vimi.backend.support;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.Tensor;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;

/**
 * A denoiser that runs one exported graph on an inference engine. This class owns everything that
 * does not depend on the engine: the lifecycle (calls after {@link #close()} fail, {@code close} is
 * idempotent and waits for calls in flight), the input checks of {@link DenoiserIo#checkInput}, the
 * split of a batch larger than {@link #maxBatch()} into calls of at most that many rows, and the
 * output buffer: {@link #evaluate} and {@link #evaluateInto} both end in {@link #run}, which the engine
 * writes into. A backend supplies only how to open its graph (a static factory of its own, using {@link
 * #requireGraph} and {@link #refuseOrFallBack}), how to run one batch ({@link #run}) and how to release
 * the graph ({@link #release}).
 *
 * <p><b>Thread-safety.</b> Instances are safe for concurrent use: calls share a read lock, {@link
 * #close()} takes the write lock, so it waits for calls in flight and no call starts on a released
 * graph. The lock is not held around anything else; a backend's {@link #run} must itself be safe for
 * concurrent calls (say how in the subclass). <b>Ownership.</b> {@link #evaluate} returns a tensor the
 * caller owns; {@link #evaluateInto} writes the caller's buffer during the call only; the input is read
 * during the call and not retained; the denoiser owns its graph and releases it in {@link #close()}.
 */
public abstract class GraphDenoiser implements Denoiser {
  private final DenoiserSpec spec;
  private final GraphSpec graph;
  private final String who;
  private final String device;
  private final int maxBatch;
  private final boolean needsLowRes;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  /**
   * @param who names the backend, stage and graph in messages ({@link #who(String, GraphSpec)})
   * @param device where the graph runs, in the backend's notation (for {@link #device()} and logs)
   * @param maxBatch the largest batch the backend runs in one call when the graph's batch axis is
   *     dynamic; a graph with a fixed batch runs one row per call
   */
  protected GraphDenoiser(DenoiserSpec spec, GraphSpec graph, String who, String device, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be positive but is " + maxBatch);
    }
    this.spec = spec;
    this.graph = graph;
    this.who = who;
    this.device = device;
    this.maxBatch = graph.dynamicBatch() ? maxBatch : 1;
    this.needsLowRes = graph.inputs().stream().anyMatch(i -> i.role() == InputRole.LOW_RES_VIDEO);
  }

  /** How messages name a graph of {@code owner}: {@code "denoiser onnx (stage base), graph base.onnx"}. */
  public static String who(String owner, GraphSpec graph) {
    return owner + ", graph " + graph.file().getFileName();
  }

  /**
   * The stage's graph for a backend, checked to be a file.
   *
   * @param key the backend's key under a stage's {@code graphs} in {@code vimi-model.json}, e.g. {@code onnx}
   * @param kind what the graph is called in messages, e.g. {@code ONNX graph}
   * @throws ConfigurationException if the stage has no graph for this backend or its file is missing
   */
  public static GraphSpec requireGraph(DenoiserSpec spec, String owner, String key, String kind) {
    GraphSpec graph =
        spec.graph()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        owner + ": stage '" + spec.stage() + "' has no " + kind + "; add a graphs." + key + " entry to "
                            + "the stage in the model bundle's vimi-model.json, or use a backend the bundle has graphs "
                            + "for"));
    if (!Files.isRegularFile(graph.file())) {
      throw new ConfigurationException(
          owner + ": the " + kind + " " + graph.file() + " of stage '" + spec.stage() + "' does not exist or is not a "
              + "file");
    }
    return graph;
  }

  /**
   * The one rule for a GPU that was asked for but cannot be used: an error that says why and how to
   * fix it, unless the deployment set {@code fallback=cpu}; then a warning, and the caller runs on the
   * CPU. vimi never falls back silently.
   *
   * @param log the backend's logger, which the warning goes to
   * @param asked the device asked for, as the user wrote it (e.g. {@code cuda:1 with TensorRT})
   * @param why why it cannot be used and how to fix that
   * @throws ConfigurationException if {@code fallbackToCpu} is false
   */
  public static void refuseOrFallBack(Logger log, String who, String asked, boolean fallbackToCpu, String why) {
    if (!fallbackToCpu) {
      throw new ConfigurationException(
          who + ": device " + asked + " was asked for but cannot be used: " + why + ". Or set fallback=cpu to run on "
              + "the CPU instead (with a warning).");
    }
    log.warn("{}: device {} was asked for but cannot be used: {}. Running on the CPU because fallback=cpu.", who, asked, why);
  }

  /**
   * Null if CUDA device {@code index} is among the {@code visible} ones, else why not and which
   * devices to use.
   *
   * @param noneHint what to say when no device is visible at all, e.g. "no driver found"
   */
  public static String missingCudaDevice(int index, int visible, String noneHint) {
    if (index < visible) {
      return null;
    }
    return "this machine has " + visible + " CUDA device" + (visible == 1 ? "" : "s") + " visible"
        + (visible == 0 ? " (" + noneHint + ", or CUDA_VISIBLE_DEVICES hides them)" : "")
        + "; use device=cuda:0" + (visible > 1 ? " to cuda:" + (visible - 1) : "");
  }

  @Override
  public final DenoiserSpec spec() {
    return spec;
  }

  @Override
  public final int maxBatch() {
    return maxBatch;
  }

  /** Where the graph runs, in the backend's notation ({@code cpu}, {@code cuda:0 (tensorrt)}, {@code gpu(0)}, ...). */
  public final String device() {
    return device;
  }

  /** The graph this denoiser runs. */
  protected final GraphSpec graph() {
    return graph;
  }

  /** The backend, stage and graph, as messages start. */
  protected final String who() {
    return who;
  }

  /** Whether the graph takes a low-res video (a later cascade stage). */
  protected final boolean needsLowRes() {
    return needsLowRes;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Batches larger than {@link #maxBatch()} are split into several calls; each writes its rows of the
   * returned tensor's buffer (direct, native order) in place.
   */
  @Override
  public final Tensor evaluate(DenoiserInput input) {
    FloatBuffer out = Tensor.allocate(input.x().size());
    evaluateInto(input, out);
    return Tensor.wrap(out, input.x().shape());
  }

  /**
   * {@inheritDoc}
   *
   * <p>When {@code out} is direct and in native byte order (as {@link Tensor#allocate} makes it), the
   * backend's {@link #run} writes straight into it; otherwise into a direct buffer that is then copied
   * into {@code out}.
   */
  @Override
  public final void evaluateInto(DenoiserInput input, FloatBuffer out) {
    Denoiser.checkOutputBuffer(input, out);
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(who + ": this denoiser is closed");
      }
      DenoiserIo.checkInput(spec, input, needsLowRes, who);
      boolean direct = out.isDirect() && out.order() == ByteOrder.nativeOrder();
      int b = input.batch();
      int n = input.x().size();
      FloatBuffer dst = direct ? out.duplicate().clear().slice(0, n) : Tensor.allocate(n);
      if (b <= maxBatch) {
        run(input, dst);
      } else {
        int row = n / b;
        for (int from = 0; from < b; from += maxBatch) {
          int to = Math.min(b, from + maxBatch);
          run(slice(input, from, to), dst.slice(from * row, (to - from) * row));
        }
      }
      if (!direct) {
        out.duplicate().clear().put(0, dst, 0, n);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Rows {@code [from, to)} of every batched part of {@code in}. */
  static DenoiserInput slice(DenoiserInput in, int from, int to) {
    return new DenoiserInput(
        in.x().slice(from, to),
        Arrays.copyOfRange(in.sigma(), from, to),
        Arrays.copyOfRange(in.cNoise(), from, to),
        in.conditioning().slice(from, to),
        in.mask().slice(from, to),
        in.fps(),
        in.lowRes() == null ? null : in.lowRes().slice(from, to),
        in.knownFrames() == null ? null : in.knownFrames().slice(from, to),
        in.knownMask() == null ? null : in.knownMask().slice(from, to));
  }

  /**
   * Runs the graph once on a checked input of at most {@link #maxBatch()} rows and writes the output,
   * checked for its shape and finiteness (see {@link DenoiserIo#outputInto} and {@link
   * DenoiserIo#checkFinite}), into {@code dst}. Called concurrently, under the read lock, never after
   * {@link #release()}.
   *
   * @param dst direct, native order, position 0 and capacity exactly {@code input.x().size()}
   * @throws dev.vimi.spi.BackendException if the engine fails or the output is wrong
   */
  protected abstract void run(DenoiserInput input, FloatBuffer dst);

  /** Releases the graph and the engine's resources. Called once, under the write lock, with no call in flight. */
  protected abstract void release();

  /** Releases the graph. Idempotent; waits for calls in flight. */
  @Override
  public final void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        release();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + who + " on " + device + "]";
  }
}
