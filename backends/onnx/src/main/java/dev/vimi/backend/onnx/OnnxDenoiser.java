package dev.vimi.backend.onnx;

import dev.vimi.backend.support.DenoiserIo;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A denoiser running one ONNX graph in an ONNX Runtime session. DJL's OnnxRuntime engine is started
 * (it owns the process's ONNX Runtime environment), but every call goes straight to {@link
 * OrtSession#run}: the video and the conditioning are bound from the input tensors' direct buffers
 * without a copy, the small per-element inputs from scratch buffers that calls reuse, and on graphs
 * whose output shape is static after the batch axis the network writes its output straight into the
 * caller's buffer (a pinned output: the returned tensor's for {@link #evaluate}, the caller's own for
 * {@link #evaluateInto}), so no output is copied either.
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
public final class OnnxDenoiser implements Denoiser {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxDenoiser.class);
  private static final String ENGINE = "OnnxRuntime";

  /** How an input's values are encoded for the graph. */
  enum Element {
    F32(OnnxJavaType.FLOAT, 4),
    F16(OnnxJavaType.FLOAT16, 2),
    I64(OnnxJavaType.INT64, 8),
    I32(OnnxJavaType.INT32, 4),
    BOOL(OnnxJavaType.BOOL, 1);

    final OnnxJavaType ort;
    final int bytes;

    Element(OnnxJavaType ort, int bytes) {
      this.ort = ort;
      this.bytes = bytes;
    }
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

  private final DenoiserSpec spec;
  private final GraphSpec graph;
  private final String who;
  private final String device;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Binding[] bindings;
  private final Set<String> outputs;
  private final boolean half;
  private final boolean pinOutput;
  private final boolean needsLowRes;
  private final int maxBatch;
  private final int scratchBytesPerRow;
  private final ConcurrentLinkedQueue<Scratch> scratch = new ConcurrentLinkedQueue<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

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
    this.spec = spec;
    this.graph = graph;
    this.who = who;
    this.device = device;
    this.env = env;
    this.session = session;
    this.bindings = bindings.toArray(Binding[]::new);
    this.outputs = Set.of(graph.output());
    this.half = graph.precision().equals("fp16");
    this.pinOutput = pinOutput;
    this.needsLowRes = graph.inputs().stream().anyMatch(i -> i.role() == InputRole.LOW_RES_VIDEO);
    this.maxBatch = maxBatch;
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
    String who = owner + ", graph " + graph.file().getFileName();
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
      int maxBatch = graph.dynamicBatch() ? effective.maxBatch() : 1;
      String label = effective.gpu() ? effective.device() + " (" + effective.accelerator().name().toLowerCase() + ")" : "cpu";
      LOG.info(
          "{}: ONNX Runtime session on {}, {}, max batch {}, intra-op threads {}, output {}",
          who, label, graph.precision(), maxBatch, effective.threads() == 0 ? "default" : effective.threads(),
          pinOutput ? "pinned" : "copied (its shape is not static)");
      return new OnnxDenoiser(spec, graph, who, label, env, session, bindings, pinOutput, maxBatch);
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
      long[] shape = ((TensorInfo) session.getOutputInfo().get(graph.output()).getInfo()).getShape();
      for (int d = 1; d < shape.length; d++) {
        if (shape[d] <= 0) {
          return false;
        }
      }
      return true;
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
   * <p>Batches larger than {@link #maxBatch()} are split into several calls. The output is written by
   * ONNX Runtime straight into the returned tensor's buffer when the graph's output shape is static.
   */
  @Override
  public Tensor evaluate(DenoiserInput input) {
    FloatBuffer out = Tensor.allocate(input.x().size());
    evaluateInto(input, out);
    return Tensor.wrap(out, input.x().shape());
  }

  /**
   * {@inheritDoc}
   *
   * <p>When {@code out} is direct and in native byte order (as {@link Tensor#allocate} makes it),
   * ONNX Runtime writes the output straight into it on graphs whose output shape is static (fp32),
   * and nothing is copied or allocated for the output; otherwise the output is copied into it.
   */
  @Override
  public void evaluateInto(DenoiserInput input, FloatBuffer out) {
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

  /** One call of the graph; {@code dst} is direct, native order, exactly the output's size. */
  private void run(DenoiserInput input, FloatBuffer dst) {
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
          DenoiserIo.outputInto(out.getByteBuffer(), out.getInfo().getShape(), half, videoShape, dst, who, true);
          return;
        }
      }
      ByteBuffer halfOut = half ? sc.take(2 * dst.capacity()) : null;
      bound[bindings.length] =
          half
              ? OnnxTensor.createTensor(env, halfOut, outShape, OnnxJavaType.FLOAT16)
              : OnnxTensor.createTensor(env, dst, outShape);
      try (OrtSession.Result r = session.run(feeds, Map.of(graph.output(), bound[bindings.length]))) {
        output(r);
      }
      if (half) {
        DenoiserIo.outputInto(halfOut, outShape, true, videoShape, dst, who, true);
      } else {
        DenoiserIo.checkFinite(dst, videoShape, false, who);
      }
    } catch (VimiException e) {
      throw e;
    } catch (OrtException | RuntimeException e) {
      throw new BackendException(
          who + ": ONNX Runtime failed: " + e.getMessage() + " (if the graph and vimi-model.json disagree about "
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
    if (!(r.get(graph.output()).orElse(null) instanceof OnnxTensor out)) {
      throw new BackendException(who + ": the graph returned no tensor named '" + graph.output() + "'");
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
    int n = v.size();
    int at = src.position();
    ByteBuffer b = sc.take(n * bd.element().bytes);
    switch (bd.element()) {
      case F32 -> {
        for (int i = 0; i < n; i++) {
          b.putFloat(4 * i, src.get(at + i));
        }
      }
      case F16 -> {
        for (int i = 0; i < n; i++) {
          b.putShort(2 * i, Float.floatToFloat16(src.get(at + i)));
        }
      }
      case I64 -> {
        for (int i = 0; i < n; i++) {
          b.putLong(8 * i, Math.round(src.get(at + i)));
        }
      }
      case I32 -> {
        for (int i = 0; i < n; i++) {
          b.putInt(4 * i, Math.round(src.get(at + i)));
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          b.put(i, (byte) (src.get(at + i) != 0f ? 1 : 0));
        }
      }
    }
    return OnnxTensor.createTensor(env, b, shape, bd.element().ort);
  }

  /** Releases the session. Idempotent; waits for calls in flight. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        scratch.clear();
        try {
          session.close();
        } catch (OrtException e) {
          throw new BackendException(who + ": ONNX Runtime could not release the session: " + e.getMessage(), e);
        }
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
