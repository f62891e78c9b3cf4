package dev.vimi.bench.backends;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vimi.api.Plugins;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The {@code onnx} backend's {@code evaluate} (a new tensor per call) and {@code evaluateInto} (one
 * output buffer reused, as the sampler calls it) against a raw ONNX Runtime {@code OrtSession.run} on the
 * same graph, input and session options (intra-op threads, full optimisation), the inputs named and
 * built by role as the graph's manifest lists them. Three raw forms: {@code rawSessionRun} binds the
 * inputs per call, as any caller must when the input changes every step (the video and conditioning
 * from the caller's direct buffers without a copy, the per-element vectors from arrays), and copies
 * the output ONNX Runtime allocated into a float array; {@code rawSessionRunPinned} binds per call
 * too but has ONNX Runtime write into one output buffer allocated once and reused (the least a
 * per-call caller can do: no copy and no allocation of the output; vimi cannot reuse it, because the
 * tensor it returns belongs to the caller); {@code rawSessionRunPrebound} binds the inputs once (the
 * floor no sampler reaches).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OnnxOverhead {
  @Param({"bench", "test-denoiser", "trivial", "vimi-tiny"})
  public String model;

  @Param({"1", "2"})
  public int threads;

  private Denoiser vimi;
  private FloatBuffer vimiOut;
  private DenoiserInput input;
  private OrtSession session;
  private String output;
  private List<BenchGraph.Feed> feeds;
  private FloatBuffer[] large;
  private Map<String, OnnxTensor> prebound;
  private int outSize;
  private long[] outShape;
  private FloatBuffer pinnedBuffer;
  private OnnxTensor pinned;
  private OrtSession session2;
  private FloatBuffer pinnedBuffer2;
  private OnnxTensor pinned2;

  /** The graph's label for reports (with the shape for ViMi-tiny). */
  String label;

  @Setup
  public void setup() throws Exception {
    BenchGraph g = BenchGraph.load(model, BenchGraph.root());
    label = g.name();
    input = g.input();
    vimi = Plugins.discover().denoisers().get("onnx").create(g.onnx(), ProviderConfig.of("bench onnx", Map.of("threads", String.valueOf(threads))));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setIntraOpNumThreads(threads);
      session = env.createSession(g.onnx().graph().orElseThrow().file().toString(), so);
      session2 = env.createSession(g.onnx().graph().orElseThrow().file().toString(), so);
    }
    output = g.onnx().graph().orElseThrow().output();
    feeds = g.feeds(g.onnx());
    large = new FloatBuffer[feeds.size()];
    prebound = new LinkedHashMap<>();
    for (int i = 0; i < feeds.size(); i++) {
      BenchGraph.Feed f = feeds.get(i);
      if (f.large()) {
        large[i] = ByteBuffer.allocateDirect(4 * f.values().length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        large[i].put(f.values()).flip();
      }
      prebound.put(f.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(f.values()), f.shape()));
    }
    outSize = input.x().size();
    vimiOut = Tensor.allocate(outSize);
    outShape = BenchGraph.longs(input.x().shape());
    pinnedBuffer = ByteBuffer.allocateDirect(4 * outSize).order(ByteOrder.nativeOrder()).asFloatBuffer();
    pinned = OnnxTensor.createTensor(env, pinnedBuffer, outShape);
    pinnedBuffer2 = ByteBuffer.allocateDirect(4 * outSize).order(ByteOrder.nativeOrder()).asFloatBuffer();
    pinned2 = OnnxTensor.createTensor(env, pinnedBuffer2, outShape);
  }

  /** vimi as a caller that wants a new tensor per call. */
  @Benchmark
  public Tensor vimiEvaluate() {
    return vimi.evaluate(input);
  }

  /** vimi as its sampler calls it: the output written into one buffer reused by every call. */
  @Benchmark
  public FloatBuffer vimiEvaluateInto() {
    vimi.evaluateInto(input, vimiOut);
    return vimiOut;
  }

  private Map<String, OnnxTensor> bind(OrtEnvironment env) throws OrtException {
    Map<String, OnnxTensor> f = new LinkedHashMap<>(2 * feeds.size());
    for (int i = 0; i < feeds.size(); i++) {
      BenchGraph.Feed feed = feeds.get(i);
      f.put(
          feed.name(),
          feed.large()
              ? OnnxTensor.createTensor(env, large[i], feed.shape())
              : OnnxTensor.createTensor(env, FloatBuffer.wrap(feed.values()), feed.shape()));
    }
    return f;
  }

  private static void close(Map<String, OnnxTensor> f) {
    for (OnnxTensor t : f.values()) {
      t.close();
    }
  }

  /**
   * What a hand-written integration does per sampler step: bind this step's inputs (the large ones
   * from its direct buffers, without a copy, as vimi does), run, copy the output out.
   */
  @Benchmark
  public float[] rawSessionRun() throws OrtException {
    Map<String, OnnxTensor> f = bind(OrtEnvironment.getEnvironment());
    try (OrtSession.Result r = session.run(f)) {
      float[] out = new float[outSize];
      ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer().get(out);
      return out;
    } finally {
      close(f);
    }
  }

  /** Per-call binding, and the output written by ONNX Runtime into one buffer reused by every call. */
  @Benchmark
  public FloatBuffer rawSessionRunPinned() throws OrtException {
    Map<String, OnnxTensor> f = bind(OrtEnvironment.getEnvironment());
    try (OrtSession.Result r = session.run(f, Map.of(output, pinned))) {
      return pinnedBuffer;
    } finally {
      close(f);
    }
  }

  /** The floor: inputs bound once in setup, only run and output copy per call. */
  @Benchmark
  public float[] rawSessionRunPrebound() throws OrtException {
    try (OrtSession.Result r = session.run(prebound)) {
      float[] out = new float[outSize];
      ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer().get(out);
      return out;
    }
  }

  /** As {@link #rawSessionRunPinned}, but the output buffer is allocated for every call (as a callee that returns it must). */
  @Benchmark
  public FloatBuffer rawSessionRunPinnedFresh() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> f = bind(env);
    FloatBuffer out = ByteBuffer.allocateDirect(4 * outSize).order(ByteOrder.nativeOrder()).asFloatBuffer();
    try (OnnxTensor o = OnnxTensor.createTensor(env, out, outShape);
        OrtSession.Result r = session.run(f, Map.of(output, o))) {
      return out;
    } finally {
      close(f);
    }
  }

  /** A/A control: {@link #rawSessionRunPinned} on a second session of the same graph and options. */
  @Benchmark
  public FloatBuffer rawSessionRunPinnedOtherSession() throws OrtException {
    Map<String, OnnxTensor> f = bind(OrtEnvironment.getEnvironment());
    try (OrtSession.Result r = session2.run(f, Map.of(output, pinned2))) {
      return pinnedBuffer2;
    } finally {
      close(f);
    }
  }

  @TearDown
  public void tearDown() throws OrtException {
    vimi.close();
    close(prebound);
    pinned.close();
    pinned2.close();
    session.close();
    session2.close();
  }
}
