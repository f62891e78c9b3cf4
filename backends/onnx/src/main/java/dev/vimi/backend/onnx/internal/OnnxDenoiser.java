package dev.vimi.backend.onnx.internal;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.vimi.backend.support.DenoiserIo;
import dev.vimi.backend.support.DenoiserIo.Element;
import dev.vimi.backend.support.GraphDenoiser;
import dev.vimi.backend.support.GraphSignature;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import dev.vimi.spi.VimiException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A denoiser running one ONNX graph in an ONNX Runtime session. DJL's OnnxRuntime engine is started
 * (it owns the process's ONNX Runtime environment), but every call goes straight to {@link
 * OrtSession#run}: the video and the conditioning are bound from the input tensors' direct buffers
 * without a copy, the small per-element inputs from scratch buffers that calls reuse, and on graphs
 * whose output shape is static after the batch axis the network writes its output straight into the
 * caller's buffer (a pinned output: the returned tensor's for {@link #evaluate}, the caller's own for
 * {@link #evaluateInto}), so no output is copied either. Locking, lifecycle, input checks and batch
 * splitting are {@link GraphDenoiser}'s.
 *
 * <p>Inputs are bound by name: each input the manifest lists gets the values of its role, whatever
 * the order of the graph's inputs. When it opens, the denoiser checks the graph against the manifest:
 * the same input names, an element type that matches the declared precision, fixed dimensions that
 * match the stage, an output of the declared name, a dynamic batch axis if the manifest says so. After
 * each call it checks that the output has the input's shape and only finite values.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use without a lock around the network: ONNX Runtime
 * sessions are thread-safe for {@code run()}, every call binds its own input and output tensors, and a
 * scratch buffer is used by one call at a time (taken from a queue, returned after the call).
 * Concurrent calls share the session's intra-op thread pool. {@link #close()} waits for calls in
 * flight. <b>Ownership.</b> Returned tensors belong to the caller (each call allocates its output);
 * the input is read during the call and not retained; the denoiser owns the session and releases it
 * in {@link #close()}.
 */
public final class OnnxDenoiser extends GraphDenoiser {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxDenoiser.class);
  private static final String ENGINE = "OnnxRuntime";

  /** The ONNX Runtime type of an element encoding. */
  private static OnnxJavaType ort(Element e) {
    return switch (e) {
      case F32 -> OnnxJavaType.FLOAT;
      case F16 -> OnnxJavaType.FLOAT16;
      case I64 -> OnnxJavaType.INT64;
      case I32 -> OnnxJavaType.INT32;
      case BOOL -> OnnxJavaType.BOOL;
    };
  }

  /** The element encoding of an ONNX Runtime type, or null if vimi has none. */
  private static Element element(OnnxJavaType t) {
    return switch (t) {
      case FLOAT -> Element.F32;
      case FLOAT16 -> Element.F16;
      case INT64 -> Element.I64;
      case INT32 -> Element.I32;
      case BOOL -> Element.BOOL;
      default -> null;
    };
  }

  private record Binding(String name, InputRole role, Element element) {
    /** Inputs bound from the input tensor's own direct buffer, without a copy (fp32 graphs). */
    boolean zeroCopy() {
      return element == Element.F32
          && (role == InputRole.NOISY_VIDEO || role == InputRole.LOW_RES_VIDEO || role == InputRole.CONDITIONING
              || role == InputRole.CONDITIONING_MASK);
    }
  }

  /**
   * Direct memory for the inputs that cannot be bound without a copy (the per-element vectors, and
   * everything of an fp16 graph), reused from call to call; used by one call at a time.
   */
  private static final class Scratch {
    private ByteBuffer buffer = ByteBuffer.allocateDirect(0);
    private int used;

    /** Starts a call's allocations. */
    void reset() {
      used = 0;
    }

    /** Room for {@code bytes} more bytes in the current call, growing the buffer if needed (rarely: once per batch size). */
    void ensure(int bytes) {
      if (buffer.capacity() < bytes) {
        buffer = ByteBuffer.allocateDirect(Math.max(bytes, 2 * buffer.capacity())).order(ByteOrder.nativeOrder());
      }
    }

    /**
     * The next {@code bytes} bytes, 8-byte aligned from the start of the buffer, native order; a fresh
     * buffer if they do not fit (an input tensor in foreign byte order, which is copied once).
     */
    ByteBuffer take(int bytes) {
      if (used + bytes > buffer.capacity()) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
      }
      ByteBuffer b = buffer.slice(used, bytes).order(ByteOrder.nativeOrder());
      used += (bytes + 7) & ~7;
      return b;
    }
  }

  private final OrtEnvironment env;
  private final OrtSession session;
  private final Binding[] bindings;
  private final Set<String> outputs;
  private final boolean half;
  private final boolean pinOutput;
  private final int scratchBytesPerRow;
  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();

  private OnnxDenoiser(
      DenoiserSpec spec,
      GraphSpec graph,
      String who,
      String device,
      OrtEnvironment env,
      OrtSession session,
      List<Binding> bindings,
      boolean pinOutput,
      int maxBatch) {
    super(spec, graph, who, device, maxBatch);
    this.env = env;
    this.session = session;
    this.bindings = bindings.toArray(Binding[]::new);
    this.outputs = Set.of(graph.output());
    this.half = graph.precision().equals("fp16");
    this.pinOutput = pinOutput;
    int perRow = half ? 2 * spec.channels() * spec.frames() * spec.height() * spec.width() : 0;
    for (Binding b : this.bindings) {
      if (!b.zeroCopy()) {
        perRow += ((rowSize(b.role(), spec) * b.element().bytes) + 7) & ~7;
      }
    }
    this.scratchBytesPerRow = perRow;
  }

  /** Elements of one batch row of an input of {@code role}. */
  private static int rowSize(InputRole role, DenoiserSpec spec) {
    long[] shape = DenoiserIo.expectedShape(role, spec);
    long n = 1;
    for (int d = 1; d < shape.length; d++) {
      n *= shape[d];
    }
    return Math.toIntExact(n);
  }

  static OnnxDenoiser open(DenoiserSpec spec, GraphSpec graph, OnnxOptions options, String owner) {
    String who = who(owner, graph);
    try {
      // started for its side effect: it creates the process's ONNX Runtime environment with DJL's settings
      Engine.getEngine(ENGINE);
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
    try {
      List<Binding> bindings = inspect(session, spec, graph, who);
      boolean pinOutput = staticAfterBatch(session, graph, who);
      String label =
          effective.gpu()
              ? effective.placement().device() + " (" + effective.accelerator().name().toLowerCase() + ")"
              : "cpu";
      OnnxDenoiser d = new OnnxDenoiser(spec, graph, who, label, env, session, bindings, pinOutput, effective.maxBatch());
      LOG.info(
          "{}: ONNX Runtime session on {}, {}, max batch {}, intra-op threads {}, output {}",
          who, label, graph.precision(), d.maxBatch(), effective.intraOpThreads(),
          pinOutput ? "pinned" : "copied (its shape is not static)");
      return d;
    } catch (RuntimeException e) {
      try {
        session.close();
      } catch (OrtException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Whether the graph declares every output dimension after the batch axis (they were checked against
   * the stage by {@link #inspect}): then the output can be pinned, i.e. written by ONNX Runtime straight
   * into a buffer of the input video's shape. A graph whose output shape is only known when it runs
   * gets its output copied, so that a wrong shape is reported as such.
   */
  private static boolean staticAfterBatch(OrtSession session, GraphSpec graph, String who) {
    try {
      return GraphSignature.staticAfterBatch(
          ((TensorInfo) session.getOutputInfo().get(graph.output()).getInfo()).getShape());
    } catch (OrtException e) {
      throw new BackendException(who + ": cannot read the graph's outputs: " + e.getMessage(), e);
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
    return missingCudaDevice(o.cudaIndex(), CudaUtils.getGpuCount(), "no driver or CUDA runtime found");
  }

  private static OnnxOptions fallBack(OnnxOptions o, String who, String why) {
    String asked = o.placement().device() + (o.accelerator() == OnnxOptions.Accelerator.TENSORRT ? " with TensorRT" : "");
    refuseOrFallBack(LOG, who, asked, o.placement().fallbackToCpu(), why);
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
      so.setIntraOpNumThreads(o.intraOpThreads());
      so.addConfigEntry("session.intra_op.allow_spinning", o.spinning() ? "1" : "0");
      so.addConfigEntry("session.inter_op.allow_spinning", o.spinning() ? "1" : "0");
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
    GraphSignature.checkInputNames(graph, ins.keySet(), who);
    List<Binding> bindings = new ArrayList<>();
    for (GraphInput gi : graph.inputs()) {
      TensorInfo info = tensorInfo(ins.get(gi.name()), "input '" + gi.name() + "'", who);
      Element element = GraphSignature.element(gi, element(info.type), info.type.toString(), graph.precision(), who);
      String what = "input '" + gi.name() + "' (role " + GraphSignature.role(gi.role()) + ")";
      GraphSignature.checkShape(
          what, info.getShape(), DenoiserIo.expectedShape(gi.role(), spec), graph.dynamicBatch(), who);
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
    GraphSignature.checkShape(
        "output '" + graph.output() + "'", oi.getShape(), DenoiserIo.expectedShape(InputRole.NOISY_VIDEO, spec),
        graph.dynamicBatch(), who);
    return bindings;
  }

  private static TensorInfo tensorInfo(NodeInfo node, String what, String who) {
    if (!(node.getInfo() instanceof TensorInfo ti)) {
      throw new ConfigurationException(who + ": " + what + " is not a tensor but " + node.getInfo());
    }
    return ti;
  }

  /**
   * One call of the graph: inputs bound from the input's buffers or scratch memory, the output
   * pinned to {@code dst} when its shape is static (else copied into it).
   */
  @Override
  protected void run(DenoiserInput input, FloatBuffer dst) {
    int b = input.batch();
    int[] videoShape = input.x().shape();
    Scratch sc = scratch.poll();
    if (sc == null) {
      sc = new Scratch();
    }
    sc.reset();
    sc.ensure(b * scratchBytesPerRow);
    OnnxTensor[] bound = new OnnxTensor[bindings.length + 1];
    try {
      Map<String, OnnxTensor> feeds = new HashMap<>(2 * bindings.length);
      for (int i = 0; i < bindings.length; i++) {
        Binding bd = bindings[i];
        bound[i] = tensor(DenoiserIo.values(bd.role(), input), bd, sc);
        feeds.put(bd.name(), bound[i]);
      }
      long[] outShape = longs(videoShape);
      if (!pinOutput) {
        try (OrtSession.Result r = session.run(feeds, outputs)) {
          OnnxTensor out = output(r);
          DenoiserIo.outputInto(out.getByteBuffer(), out.getInfo().getShape(), half, videoShape, dst, who(), true);
          return;
        }
      }
      ByteBuffer halfOut = half ? sc.take(2 * dst.capacity()) : null;
      bound[bindings.length] =
          half
              ? OnnxTensor.createTensor(env, halfOut, outShape, OnnxJavaType.FLOAT16)
              : OnnxTensor.createTensor(env, dst, outShape);
      try (OrtSession.Result r = session.run(feeds, Map.of(graph().output(), bound[bindings.length]))) {
        output(r);
      }
      if (half) {
        DenoiserIo.outputInto(halfOut, outShape, true, videoShape, dst, who(), true);
      } else {
        DenoiserIo.checkFinite(dst, videoShape, false, who());
      }
    } catch (VimiException e) {
      throw e;
    } catch (OrtException | RuntimeException e) {
      throw new BackendException(
          who() + ": ONNX Runtime failed: " + e.getMessage() + " (if the graph and vimi-model.json disagree about "
              + "shapes, names or precision, fix the manifest or re-export the graph)",
          e);
    } finally {
      for (OnnxTensor t : bound) {
        if (t != null) {
          t.close();
        }
      }
      scratch.offer(sc);
    }
  }

  private OnnxTensor output(OrtSession.Result r) {
    if (!(r.get(graph().output()).orElse(null) instanceof OnnxTensor out)) {
      throw new BackendException(who() + ": the graph returned no tensor named '" + graph().output() + "'");
    }
    return out;
  }

  private static long[] longs(int[] shape) {
    long[] s = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      s[i] = shape[i];
    }
    return s;
  }

  /** One input as an ONNX Runtime tensor: the tensor's own buffer, or values encoded into scratch memory. */
  private OnnxTensor tensor(DenoiserIo.Values v, Binding bd, Scratch sc) throws OrtException {
    FloatBuffer src = v.data();
    long[] shape = v.shape();
    if (bd.element() == Element.F32 && src.isDirect() && src.order() == ByteOrder.nativeOrder()) {
      return OnnxTensor.createTensor(env, src, shape);
    }
    ByteBuffer b = sc.take(v.size() * bd.element().bytes);
    DenoiserIo.encode(src, bd.element(), b);
    return OnnxTensor.createTensor(env, b, shape, ort(bd.element()));
  }

  /** Releases the session. */
  @Override
  protected void release() {
    scratch.clear();
    try {
      session.close();
    } catch (OrtException e) {
      throw new BackendException(who() + ": ONNX Runtime could not release the session: " + e.getMessage(), e);
    }
  }
}
