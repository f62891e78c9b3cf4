package dev.vimi.backend.onnx;

import dev.vimi.backend.support.DenoiserIo;
import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.VimiException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A denoiser running one ONNX graph in an ONNX Runtime session through DJL's OnnxRuntime engine.
 *
 * <p>Inputs are bound by name: each input the manifest lists gets the values of its role, whatever
 * the order of the graph's inputs. When it opens, the denoiser checks the graph against the manifest:
 * the same input names, an element type that matches the declared precision, fixed dimensions that
 * match the stage, an output of the declared name, a dynamic batch axis if the manifest says so. After
 * each call it checks that the output has the input's shape and only finite values.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use without a lock around the network: ONNX Runtime
 * sessions are thread-safe for {@code run()}, and every call creates its input and output tensors in
 * its own DJL {@link NDManager}. Concurrent calls share the session's intra-op thread pool. {@link
 * #close()} waits for calls in flight. <b>Ownership.</b> Returned tensors belong to the caller; the
 * denoiser owns the session and releases it in {@link #close()}.
 */
public final class OnnxDenoiser implements Denoiser {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxDenoiser.class);
  private static final String ENGINE = "OnnxRuntime";

  /** How an input's values are encoded for the graph. */
  enum Element {
    F32(DataType.FLOAT32),
    F16(DataType.FLOAT16),
    I64(DataType.INT64),
    I32(DataType.INT32),
    BOOL(DataType.BOOLEAN);

    final DataType djl;

    Element(DataType djl) {
      this.djl = djl;
    }
  }

  private record Binding(String name, InputRole role, Element element) {}

  private final DenoiserSpec spec;
  private final GraphSpec graph;
  private final String who;
  private final String device;
  private final NDManager manager;
  private final OrtSymbolBlock block;
  private final List<Binding> bindings;
  private final boolean half;
  private final boolean needsLowRes;
  private final int maxBatch;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxDenoiser(
      DenoiserSpec spec,
      GraphSpec graph,
      String who,
      String device,
      NDManager manager,
      OrtSymbolBlock block,
      List<Binding> bindings,
      int maxBatch) {
    this.spec = spec;
    this.graph = graph;
    this.who = who;
    this.device = device;
    this.manager = manager;
    this.block = block;
    this.bindings = List.copyOf(bindings);
    this.half = graph.precision().equals("fp16");
    this.needsLowRes = graph.inputs().stream().anyMatch(i -> i.role() == InputRole.LOW_RES_VIDEO);
    this.maxBatch = maxBatch;
  }

  static OnnxDenoiser open(DenoiserSpec spec, GraphSpec graph, OnnxOptions options, String owner) {
    String who = owner + ", graph " + graph.file().getFileName();
    Engine engine;
    try {
      engine = Engine.getEngine(ENGINE);
    } catch (RuntimeException | LinkageError e) {
      throw new BackendException(
          who + ": DJL's OnnxRuntime engine did not start (" + e + "); put ai.djl.onnxruntime:onnxruntime-engine and "
              + "com.microsoft.onnxruntime:onnxruntime (or onnxruntime_gpu) on the class path",
          e);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OnnxOptions effective = options;
    if (options.gpu()) {
      String why = gpuUnavailable(options);
      if (why != null) {
        effective = fallBack(options, who, why);
      }
    }
    OrtSession session;
    try {
      session = createSession(env, graph, effective);
    } catch (OrtException e) {
      if (!effective.gpu()) {
        throw new BackendException(who + ": ONNX Runtime cannot load the graph: " + e.getMessage(), e);
      }
      effective = fallBack(options, who, "ONNX Runtime could not start the session on it (" + e.getMessage() + ")");
      try {
        session = createSession(env, graph, effective);
      } catch (OrtException e2) {
        throw new BackendException(who + ": ONNX Runtime cannot load the graph: " + e2.getMessage(), e2);
      }
    }
    NDManager manager = null;
    try {
      Device d = effective.gpu() ? Device.gpu(effective.cudaIndex()) : Device.cpu();
      manager = engine.newBaseManager(d);
      // the block is attached to the manager: closing the manager closes the block and its session
      OrtSymbolBlock block = new OrtSymbolBlock(session, (OrtNDManager) manager);
      List<Binding> bindings = inspect(session, spec, graph, who);
      int maxBatch = graph.dynamicBatch() ? effective.maxBatch() : 1;
      String label = effective.gpu() ? effective.device() + " (" + effective.accelerator().name().toLowerCase() + ")" : "cpu";
      LOG.info(
          "{}: ONNX Runtime session on {}, {}, max batch {}, intra-op threads {}",
          who, label, graph.precision(), maxBatch, effective.threads() == 0 ? "default" : effective.threads());
      return new OnnxDenoiser(spec, graph, who, label, manager, block, bindings, maxBatch);
    } catch (RuntimeException e) {
      try {
        if (manager != null) {
          manager.close();
        } else {
          session.close();
        }
      } catch (OrtException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Null if the GPU asked for can be used, else why not and how to fix it. */
  private static String gpuUnavailable(OnnxOptions o) {
    EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    OrtProvider needed = o.accelerator() == OnnxOptions.Accelerator.TENSORRT ? OrtProvider.TENSOR_RT : OrtProvider.CUDA;
    if (!available.contains(needed) || !available.contains(OrtProvider.CUDA)) {
      return "the ONNX Runtime on the class path has no " + needed.getName() + " (its execution providers are "
          + available + "); put com.microsoft.onnxruntime:onnxruntime_gpu on the class path in place of "
          + "com.microsoft.onnxruntime:onnxruntime"
          + (needed == OrtProvider.TENSOR_RT ? ", with TensorRT's libraries on the library path" : "")
          + ", on a machine with an NVIDIA GPU and CUDA";
    }
    int gpus = CudaUtils.getGpuCount();
    if (o.cudaIndex() >= gpus) {
      return "this machine has " + gpus + " CUDA device" + (gpus == 1 ? "" : "s") + " visible"
          + (gpus == 0 ? " (no driver or CUDA runtime found, or CUDA_VISIBLE_DEVICES hides them)" : "")
          + "; use device=cuda:0" + (gpus > 1 ? " to cuda:" + (gpus - 1) : "");
    }
    return null;
  }

  private static OnnxOptions fallBack(OnnxOptions o, String who, String why) {
    String asked = o.device() + (o.accelerator() == OnnxOptions.Accelerator.TENSORRT ? " with TensorRT" : "");
    if (!o.fallbackToCpu()) {
      throw new ConfigurationException(
          who + ": device " + asked + " was asked for but cannot be used: " + why + ". Or set fallback=cpu to run on "
              + "the CPU instead (with a warning).");
    }
    LOG.warn("{}: device {} was asked for but cannot be used: {}. Running on the CPU because fallback=cpu.", who, asked, why);
    return o.onCpu();
  }

  private static OrtSession createSession(OrtEnvironment env, GraphSpec graph, OnnxOptions o) throws OrtException {
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(
          switch (o.optimization()) {
            case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
          });
      if (o.threads() > 0) {
        so.setIntraOpNumThreads(o.threads());
      }
      if (o.interOpThreads() > 0) {
        so.setInterOpNumThreads(o.interOpThreads());
      }
      if (o.gpu()) {
        if (o.accelerator() == OnnxOptions.Accelerator.TENSORRT) {
          so.addTensorrt(o.cudaIndex());
        }
        so.addCUDA(o.cudaIndex());
      }
      return env.createSession(graph.file().toString(), so);
    }
  }

  /** Checks the graph against the manifest and decides how each input is encoded. */
  private static List<Binding> inspect(OrtSession session, DenoiserSpec spec, GraphSpec graph, String who) {
    Map<String, NodeInfo> ins;
    Map<String, NodeInfo> outs;
    try {
      ins = session.getInputInfo();
      outs = session.getOutputInfo();
    } catch (OrtException e) {
      throw new BackendException(who + ": cannot read the graph's inputs and outputs: " + e.getMessage(), e);
    }
    Set<String> declared = new LinkedHashSet<>();
    for (GraphInput gi : graph.inputs()) {
      declared.add(gi.name());
      if (!ins.containsKey(gi.name())) {
        throw new ConfigurationException(
            who + ": the manifest lists input '" + gi.name() + "' (role " + role(gi.role()) + ") but the graph has no "
                + "such input; its inputs are " + ins.keySet() + ". Fix the input names in vimi-model.json");
      }
    }
    for (String name : ins.keySet()) {
      if (!declared.contains(name)) {
        throw new ConfigurationException(
            who + ": the graph takes input '" + name + "' which the manifest does not list; add it to the graph's "
                + "inputs in vimi-model.json with its role");
      }
    }
    List<Binding> bindings = new ArrayList<>();
    for (GraphInput gi : graph.inputs()) {
      TensorInfo info = tensorInfo(ins.get(gi.name()), "input '" + gi.name() + "'", who);
      Element element = element(gi, info, graph.precision(), who);
      checkShape("input '" + gi.name() + "' (role " + role(gi.role()) + ")", info.getShape(),
          DenoiserIo.expectedShape(gi.role(), spec), graph.dynamicBatch(), who);
      bindings.add(new Binding(gi.name(), gi.role(), element));
    }
    NodeInfo out = outs.get(graph.output());
    if (out == null) {
      throw new ConfigurationException(
          who + ": the manifest names output '" + graph.output() + "' but the graph's outputs are " + outs.keySet()
              + "; fix the output name in vimi-model.json");
    }
    TensorInfo oi = tensorInfo(out, "output '" + graph.output() + "'", who);
    OnnxJavaType want = graph.precision().equals("fp16") ? OnnxJavaType.FLOAT16 : OnnxJavaType.FLOAT;
    if (oi.type != want) {
      throw new ConfigurationException(
          who + ": output '" + graph.output() + "' is " + oi.type + " but precision " + graph.precision()
              + " means " + want + "; fix precision in vimi-model.json or re-export the graph");
    }
    checkShape("output '" + graph.output() + "'", oi.getShape(), DenoiserIo.expectedShape(InputRole.NOISY_VIDEO, spec),
        graph.dynamicBatch(), who);
    return bindings;
  }

  private static TensorInfo tensorInfo(NodeInfo node, String what, String who) {
    if (!(node.getInfo() instanceof TensorInfo ti)) {
      throw new ConfigurationException(who + ": " + what + " is not a tensor but " + node.getInfo());
    }
    return ti;
  }

  private static Element element(GraphInput gi, TensorInfo info, String precision, String who) {
    boolean fp16 = precision.equals("fp16");
    OnnxJavaType t = info.type;
    if (t == OnnxJavaType.FLOAT && !fp16) {
      return Element.F32;
    }
    if (t == OnnxJavaType.FLOAT16 && fp16) {
      return Element.F16;
    }
    InputRole r = gi.role();
    boolean integral = r == InputRole.RESOLUTION || r == InputRole.FPS || r == InputRole.CONDITIONING_MASK;
    if (integral && t == OnnxJavaType.INT64) {
      return Element.I64;
    }
    if (integral && t == OnnxJavaType.INT32) {
      return Element.I32;
    }
    if (r == InputRole.CONDITIONING_MASK && t == OnnxJavaType.BOOL) {
      return Element.BOOL;
    }
    if (t == OnnxJavaType.FLOAT || t == OnnxJavaType.FLOAT16) {
      throw new ConfigurationException(
          who + ": input '" + gi.name() + "' is " + t + " in the graph but the manifest says precision " + precision
              + "; set precision to " + (t == OnnxJavaType.FLOAT16 ? "fp16" : "fp32") + " in vimi-model.json");
    }
    throw new ConfigurationException(
        who + ": input '" + gi.name() + "' (role " + role(r) + ") has element type " + t + ", which vimi cannot feed; "
            + "it takes " + (fp16 ? "float16" : "float32")
            + (integral ? ", int64 or int32" : "") + (r == InputRole.CONDITIONING_MASK ? " or bool" : ""));
  }

  private static void checkShape(String what, long[] shape, long[] expected, boolean dynamicBatch, String who) {
    if (shape.length != expected.length) {
      throw new ConfigurationException(
          who + ": " + what + " has rank " + shape.length + " " + Arrays.toString(shape) + " but vimi feeds rank "
              + expected.length + " " + describe(expected) + "; check the role and the export");
    }
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] > 0 && shape[d] != expected[d]) {
        throw new ConfigurationException(
            who + ": " + what + " has dimension " + d + " = " + shape[d] + " in the graph but the stage declares "
                + expected[d] + " (the graph takes " + Arrays.toString(shape) + ", the manifest says "
                + describe(expected) + "); fix the stage's shape in vimi-model.json or re-export the graph");
      }
    }
    long batch = shape[0];
    if (batch > 1) {
      throw new ConfigurationException(
          who + ": " + what + " has a fixed batch of " + batch + "; export the graph with a dynamic batch axis or a "
              + "batch of 1");
    }
    if (dynamicBatch && batch == 1) {
      throw new ConfigurationException(
          who + ": the manifest says dynamic_batch true but " + what + " has a fixed batch of 1; export the graph with "
              + "a dynamic batch axis (dynamic_axes) or set dynamic_batch to false in vimi-model.json");
    }
  }

  private static String describe(long[] expected) {
    StringBuilder sb = new StringBuilder("[B");
    for (int i = 1; i < expected.length; i++) {
      sb.append(", ").append(expected[i]);
    }
    return sb.append(']').toString();
  }

  private static String role(InputRole r) {
    return r.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public DenoiserSpec spec() {
    return spec;
  }

  @Override
  public int maxBatch() {
    return maxBatch;
  }

  /** Where the session runs: {@code cpu} or {@code cuda:N (cuda|tensorrt)}. */
  public String device() {
    return device;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Batches larger than {@link #maxBatch()} are split into several calls.
   */
  @Override
  public Tensor evaluate(DenoiserInput input) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(who + ": this denoiser is closed");
      }
      DenoiserIo.checkInput(spec, input, needsLowRes, who);
      int b = input.batch();
      if (b <= maxBatch) {
        return run(input);
      }
      List<Tensor> parts = new ArrayList<>();
      for (int from = 0; from < b; from += maxBatch) {
        parts.add(run(slice(input, from, Math.min(b, from + maxBatch))));
      }
      return Tensor.concat(parts.toArray(Tensor[]::new));
    } finally {
      lock.readLock().unlock();
    }
  }

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

  private Tensor run(DenoiserInput input) {
    try (NDManager sub = manager.newSubManager()) {
      NDList inputs = new NDList(bindings.size());
      for (Binding b : bindings) {
        NDArray a = array(sub, DenoiserIo.values(b.role(), input), b.element());
        a.setName(b.name());
        inputs.add(a);
      }
      NDList outputs = block.forward(new ParameterStore(sub, false), inputs, false);
      NDArray out = outputs.get(graph.output());
      if (out == null) {
        throw new BackendException(who + ": the graph returned no output named '" + graph.output() + "'");
      }
      return DenoiserIo.output(out.toByteBuffer(), out.getShape().getShape(), half, input.x().shape(), who, true);
    } catch (VimiException e) {
      throw e;
    } catch (RuntimeException e) {
      Throwable root = e.getCause() != null ? e.getCause() : e;
      throw new BackendException(
          who + ": ONNX Runtime failed: " + root.getMessage() + " (if the graph and vimi-model.json disagree about "
              + "shapes, names or precision, fix the manifest or re-export the graph)",
          e);
    }
  }

  private static NDArray array(NDManager m, DenoiserIo.Values v, Element e) {
    Shape shape = new Shape(v.shape());
    FloatBuffer src = v.data();
    return switch (e) {
      case F32 -> m.create(src, shape, DataType.FLOAT32);
      case F16 -> m.create(DenoiserIo.toHalf(src), shape, DataType.FLOAT16);
      case I64 -> {
        ByteBuffer b = ByteBuffer.allocateDirect(8 * v.size()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < v.size(); i++) {
          b.putLong(8 * i, Math.round(src.get(src.position() + i)));
        }
        yield m.create(b, shape, DataType.INT64);
      }
      case I32 -> {
        ByteBuffer b = ByteBuffer.allocateDirect(4 * v.size()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < v.size(); i++) {
          b.putInt(4 * i, Math.round(src.get(src.position() + i)));
        }
        yield m.create(b, shape, DataType.INT32);
      }
      case BOOL -> {
        ByteBuffer b = ByteBuffer.allocateDirect(v.size()).order(ByteOrder.nativeOrder());
        for (int i = 0; i < v.size(); i++) {
          b.put(i, (byte) (src.get(src.position() + i) != 0f ? 1 : 0));
        }
        yield m.create(b, shape, DataType.BOOLEAN);
      }
    };
  }

  /** Releases the session. Idempotent; waits for calls in flight. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        manager.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "OnnxDenoiser[" + who + " on " + device + "]";
  }
}
