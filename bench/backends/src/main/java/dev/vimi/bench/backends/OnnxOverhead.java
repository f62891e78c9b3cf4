package dev.vimi.bench.backends;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vimi.backend.onnx.OnnxDenoiserProvider;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
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
 * The {@code onnx} backend's {@code evaluate} against a raw ONNX Runtime {@code OrtSession.run} on the
 * same graph, input and session options (intra-op threads, full optimisation). {@code rawSessionRun}
 * binds the inputs per call, as any caller must when the input changes every step; {@code
 * rawSessionRunPrebound} binds them once (the floor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class OnnxOverhead {
  @Param({"bench", "test-denoiser", "trivial"})
  public String model;

  @Param({"1", "2"})
  public int threads;

  private Denoiser vimi;
  private DenoiserInput input;
  private OrtSession session;
  private Map<String, OnnxTensor> feeds;
  private int outSize;
  private long[] xShape;
  private long[] condShape;
  private long[] maskShape;

  @Setup
  public void setup() throws Exception {
    BenchGraph g = BenchGraph.load(model, BenchGraph.root());
    input = g.input();
    vimi = new OnnxDenoiserProvider().create(g.onnx(), ProviderConfig.of("bench onnx", Map.of("threads", String.valueOf(threads))));
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setIntraOpNumThreads(threads);
      session = env.createSession(g.onnx().graph().orElseThrow().file().toString(), so);
    }
    int b = 1;
    int h = input.height();
    int w = input.width();
    feeds = new LinkedHashMap<>();
    feeds.put("x", tensor(env, input.x()));
    feeds.put("c_noise", OnnxTensor.createTensor(env, FloatBuffer.wrap(input.cNoise()), new long[] {b}));
    feeds.put("context", tensor(env, input.conditioning()));
    feeds.put("context_mask", tensor(env, input.mask()));
    feeds.put("fps", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {input.fps()}), new long[] {b}));
    feeds.put("resolution", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {h, w}), new long[] {b, 2}));
    outSize = input.x().size();
    xShape = java.util.Arrays.stream(input.x().shape()).asLongStream().toArray();
    condShape = java.util.Arrays.stream(input.conditioning().shape()).asLongStream().toArray();
    maskShape = java.util.Arrays.stream(input.mask().shape()).asLongStream().toArray();
  }

  private static OnnxTensor tensor(OrtEnvironment env, Tensor t) throws OrtException {
    long[] shape = java.util.Arrays.stream(t.shape()).asLongStream().toArray();
    return OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toArray()), shape);
  }

  @Benchmark
  public Tensor vimiEvaluate() {
    return vimi.evaluate(input);
  }

  /**
   * What a hand-written integration does per sampler step: bind this step's inputs (the video from
   * its direct buffer, without a copy, as vimi does), run, copy the output out.
   */
  @Benchmark
  public float[] rawSessionRun() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> f = new LinkedHashMap<>(8);
    try {
      f.put("x", OnnxTensor.createTensor(env, input.x().buffer(), xShape));
      f.put("c_noise", OnnxTensor.createTensor(env, FloatBuffer.wrap(input.cNoise()), new long[] {1}));
      f.put("context", OnnxTensor.createTensor(env, input.conditioning().buffer(), condShape));
      f.put("context_mask", OnnxTensor.createTensor(env, input.mask().buffer(), maskShape));
      f.put("fps", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {input.fps()}), new long[] {1}));
      f.put("resolution", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {input.height(), input.width()}), new long[] {1, 2}));
      try (OrtSession.Result r = session.run(f)) {
        float[] out = new float[outSize];
        ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
        return out;
      }
    } finally {
      for (OnnxTensor t : f.values()) {
        t.close();
      }
    }
  }

  /** The floor: inputs bound once in setup, only run and output copy per call. */
  @Benchmark
  public float[] rawSessionRunPrebound() throws OrtException {
    try (OrtSession.Result r = session.run(feeds)) {
      float[] out = new float[outSize];
      ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
      return out;
    }
  }

  @TearDown
  public void tearDown() throws OrtException {
    vimi.close();
    for (OnnxTensor t : feeds.values()) {
      t.close();
    }
    session.close();
  }
}
