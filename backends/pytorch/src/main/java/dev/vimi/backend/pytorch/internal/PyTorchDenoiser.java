package dev.vimi.backend.pytorch.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.training.ParameterStore;
import dev.vimi.backend.support.DenoiserIo;
import dev.vimi.backend.support.GraphDenoiser;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.VimiException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A denoiser running one TorchScript module through DJL's PyTorch engine.
 *
 * <p>Inputs are passed to {@code forward} by position, in the order the manifest lists them. The
 * module must return one tensor (or a tuple or dict whose element named like the manifest's output is
 * the result). After each call the output must have the input's shape and only finite values. With
 * {@code verify_on_load} (the default) one probe call of batch 1 at creation checks that the module
 * takes the inputs the manifest describes and returns the right shape. Locking, lifecycle, input
 * checks and batch splitting are {@link GraphDenoiser}'s; each call writes the module's output into the
 * caller's buffer (or the returned tensor's) once.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use without a lock around the network: a loaded
 * TorchScript module may run {@code forward} from several threads at once (each DJL call runs under its
 * own inference-mode guard), and every call creates its tensors in its own DJL {@link NDManager}.
 * libtorch's intra-op thread pool is shared by the whole process. {@link #close()} waits for calls in
 * flight. <b>Ownership.</b> Returned tensors belong to the caller; the denoiser owns the module and
 * releases it in {@link #close()}.
 */
public final class PyTorchDenoiser extends GraphDenoiser {
  private static final Logger LOG = LoggerFactory.getLogger(PyTorchDenoiser.class);
  private static final String ENGINE = "PyTorch";
  private static final String CALL_HINT =
      " (if the module and vimi-model.json disagree about the inputs' count, order, shapes or precision, fix the "
          + "manifest or re-export the module)";

  private final Model model;
  private final Block block;
  private final List<InputRole> roles;
  private final boolean half;
  private final boolean graphOptimizer;

  private PyTorchDenoiser(
      DenoiserSpec spec, GraphSpec graph, String who, String device, Model model, PyTorchOptions options) {
    super(spec, graph, who, device, options.maxBatch());
    this.model = model;
    this.block = model.getBlock();
    this.roles = graph.inputs().stream().map(GraphInput::role).toList();
    this.half = graph.precision().equals("fp16");
    this.graphOptimizer = options.graphOptimizer();
  }

  static PyTorchDenoiser open(DenoiserSpec spec, GraphSpec graph, PyTorchOptions options, String owner) {
    String who = who(owner, graph);
    Engine engine;
    try {
      engine = Engine.getEngine(ENGINE);
    } catch (RuntimeException | LinkageError e) {
      throw new BackendException(
          who + ": DJL's PyTorch engine did not start (" + rootMessage(e) + "). vimi never downloads libtorch: put "
              + "ai.djl.pytorch:pytorch-jni and a native jar (ai.djl.pytorch:pytorch-native-cpu or pytorch-native-cu128, "
              + "classifier linux-x86_64, matching pytorch-jni's version) on the class path, or point "
              + "PYTORCH_LIBRARY_PATH at an installed libtorch (see backends/pytorch/README.md)",
          e);
    }
    checkThreads(options, who);
    PyTorchOptions effective = options;
    if (options.gpu()) {
      String why = gpuUnavailable(engine, options);
      if (why != null) {
        effective = fallBack(options, who, why);
      }
    }
    Device d = effective.gpu() ? Device.gpu(effective.cudaIndex()) : Device.cpu();
    if (!effective.gpu()) {
      // before the module loads and runs: libtorch's oneDNN convolutions are wrong on some AVX-512 CPUs
      OneDnnCheck.apply(effective.mkldnn(), who);
    }
    Model model = Model.newInstance("vimi-" + spec.stage(), d, ENGINE);
    try {
      model.load(graph.file(), null, Map.of("mapLocation", "true"));
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new BackendException(
          who + ": libtorch cannot load the TorchScript file (" + rootMessage(e) + "); export it with "
              + "torch.jit.script or torch.jit.trace and torch.jit.save, and check that the file is complete",
          e);
    }
    PyTorchDenoiser denoiser = new PyTorchDenoiser(spec, graph, who, d.toString(), model, effective);
    if (effective.verifyOnLoad()) {
      try {
        denoiser.probe();
      } catch (RuntimeException e) {
        denoiser.close();
        throw e;
      }
    }
    LOG.info(
        "{}: TorchScript module on {} (libtorch {} from {}), {}, max batch {}, intra-op threads {}",
        who, d, LibUtils.getVersion(), LibUtils.getLibtorchPath(), graph.precision(), denoiser.maxBatch(),
        JniUtils.getNumThreads());
    return denoiser;
  }

  private static void checkThreads(PyTorchOptions o, String who) {
    int intra = JniUtils.getNumThreads();
    int inter = JniUtils.getNumInteropThreads();
    if (o.threads() > 0 && o.threads() != intra) {
      throw new ConfigurationException(
          who + ": threads=" + o.threads() + " was asked for but libtorch runs " + intra + " intra-op threads; "
              + "libtorch's thread pool is process-wide, so set it when the JVM starts with "
              + "-Dai.djl.pytorch.num_threads=" + o.threads() + " (or remove the key)");
    }
    if (o.interOpThreads() > 0 && o.interOpThreads() != inter) {
      throw new ConfigurationException(
          who + ": inter_op_threads=" + o.interOpThreads() + " was asked for but libtorch runs " + inter + " inter-op "
              + "threads; set it when the JVM starts with -Dai.djl.pytorch.num_interop_threads=" + o.interOpThreads()
              + " (or remove the key)");
    }
  }

  /** Null if the GPU asked for can be used, else why not and how to fix it. */
  private static String gpuUnavailable(Engine engine, PyTorchOptions o) {
    if (!engine.hasCapability(StandardCapabilities.CUDA)) {
      return "the libtorch DJL loaded (" + LibUtils.getVersion() + " from " + LibUtils.getLibtorchPath() + ") is a "
          + "CPU build; put ai.djl.pytorch:pytorch-native-cu128:2.7.1:linux-x86_64 on the class path in place of "
          + "pytorch-native-cpu, or point PYTORCH_LIBRARY_PATH at a CUDA libtorch with PYTORCH_FLAVOR=cu128 "
          + "(see backends/pytorch/README.md)";
    }
    return missingCudaDevice(o.cudaIndex(), engine.getGpuCount(), "no driver found");
  }

  private static PyTorchOptions fallBack(PyTorchOptions o, String who, String why) {
    refuseOrFallBack(LOG, who, o.device(), o.placement().fallbackToCpu(), why);
    return o.onCpu();
  }

  /** One batch-1 call on neutral inputs: the module must accept the inputs and return the input's shape. */
  private void probe() {
    DenoiserSpec spec = spec();
    int[] v = spec.videoShape();
    Tensor x = Tensor.zeros(1, v[0], v[1], v[2], v[3]);
    Tensor cond = Tensor.zeros(1, spec.conditioningLength(), spec.conditioningDim());
    Tensor mask = Tensor.filled(1f, 1, spec.conditioningLength());
    Tensor lowRes = needsLowRes() ? Tensor.zeros(1, v[0], v[1], v[2], v[3]) : null;
    DenoiserInput in = new DenoiserInput(x, new float[] {1f}, new float[] {0f}, cond, mask, 24f, lowRes);
    try {
      forward(in, Tensor.allocate(x.size()), false);
    } catch (BackendException e) {
      String who = who();
      throw new ConfigurationException(
          who + ": the load check (one batch-1 call on a zero video) failed, so the TorchScript module "
              + "and vimi-model.json disagree: " + e.getMessage().substring(who.length() + 2).replace(CALL_HINT, "")
              + ". Check the stage's inputs (count, order, shapes) and precision in vimi-model.json, or set "
              + "verify_on_load=false to defer the check to the first call",
          e);
    }
  }

  /**
   * The line of a (possibly nested) exception that says what went wrong. libtorch's TorchScript errors
   * start with "The following operation failed in the TorchScript interpreter", then a traceback, then
   * the error itself on the last line; that line is the one worth showing.
   */
  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getName();
    }
    List<String> lines = m.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() > 1 && lines.get(0).startsWith("The following operation failed")) {
      return lines.get(lines.size() - 1);
    }
    return lines.get(0);
  }

  /** One call of the module, its output written into {@code dst}. */
  @Override
  protected void run(DenoiserInput input, FloatBuffer dst) {
    forward(input, dst, true);
  }

  private void forward(DenoiserInput input, FloatBuffer dst, boolean checkFinite) {
    // the profiling executor's switch is thread-local in libtorch: set it on every calling thread
    JniUtils.setGraphExecutorOptimize(graphOptimizer);
    try (NDManager sub = model.getNDManager().newSubManager()) {
      NDList inputs = new NDList(roles.size());
      for (InputRole role : roles) {
        DenoiserIo.Values v = DenoiserIo.values(role, input);
        Shape shape = new Shape(v.shape());
        FloatBuffer data = v.data();
        inputs.add(half ? sub.create(DenoiserIo.toHalf(data), shape, DataType.FLOAT16) : sub.create(data, shape));
      }
      NDList outputs = block.forward(new ParameterStore(sub, false), inputs, false);
      String output = graph().output();
      NDArray out = outputs.size() == 1 ? outputs.singletonOrThrow() : outputs.get(output);
      if (out == null) {
        throw new BackendException(
            who() + ": the module returned " + outputs.size() + " values and none is named '" + output + "'; "
                + "return one tensor, or name the result in the manifest's output");
      }
      DataType t = out.getDataType();
      if (t != DataType.FLOAT32 && t != DataType.FLOAT16) {
        throw new BackendException(who() + ": the module returned " + t + " values; a denoiser returns float32 or float16");
      }
      DenoiserIo.outputInto(
          out.toByteBuffer(), out.getShape().getShape(), t == DataType.FLOAT16, input.x().shape(), dst, who(), checkFinite);
    } catch (VimiException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new BackendException(who() + ": libtorch failed: " + rootMessage(e) + CALL_HINT, e);
    }
  }

  /** Releases the module. */
  @Override
  protected void release() {
    model.close();
  }
}
