package dev.vimi.bench.backends;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.vimi.api.Plugins;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * The {@code pytorch} backend's {@code evaluate} against a raw DJL {@code Predictor.predict} (with a
 * {@link NoopTranslator}) on the same TorchScript file and input; {@code rawPredict} creates the
 * inputs per call (as any caller must when they change every step), {@code rawPredictPrebound} once
 * (the floor). libtorch's intra-op threads are
 * process-wide: each JMH fork sets them once in setup, before both are created; the profiling graph
 * optimiser is off for both (vimi's default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PyTorchOverhead {
  @Param({"bench", "test-denoiser", "trivial", "vimi-tiny"})
  public String model;

  @Param({"1", "2"})
  public int threads;

  private Denoiser vimi;
  private DenoiserInput input;
  private Model raw;
  private Predictor<NDList, NDList> predictor;
  private NDManager manager;
  private NDList inputs;
  private List<BenchGraph.Feed> feeds;
  private FloatBuffer[] large;

  /** The graph's label for reports (with the shape for ViMi-tiny). */
  String label;

  @Setup
  public void setup() throws Exception {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    JniUtils.setGraphExecutorOptimize(false);
    BenchGraph g = BenchGraph.load(model, BenchGraph.root());
    label = g.name();
    input = g.input();
    vimi =
        Plugins.discover().denoisers().get("pytorch")
            .create(g.pytorch(), ProviderConfig.of("bench pytorch", Map.of("threads", String.valueOf(threads))));
    raw = Model.newInstance("raw", Device.cpu(), "PyTorch");
    raw.load(g.pytorch().graph().orElseThrow().file(), null, Map.of("mapLocation", "true"));
    predictor = raw.newPredictor(new NoopTranslator());
    manager = raw.getNDManager().newSubManager();
    feeds = g.feeds(g.pytorch());
    large = new FloatBuffer[feeds.size()];
    inputs = new NDList();
    for (int i = 0; i < feeds.size(); i++) {
      BenchGraph.Feed f = feeds.get(i);
      if (f.large()) {
        large[i] = ByteBuffer.allocateDirect(4 * f.values().length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        large[i].put(f.values()).flip();
      }
      inputs.add(manager.create(f.values(), new Shape(f.shape())));
    }
  }

  @Benchmark
  public Tensor vimiEvaluate() {
    return vimi.evaluate(input);
  }

  /** What a hand-written DJL integration does per sampler step: create this step's inputs, predict, copy out. */
  @Benchmark
  public float[] rawPredict() throws TranslateException {
    try (NDManager step = manager.newSubManager()) {
      NDList in = new NDList(feeds.size());
      for (int i = 0; i < feeds.size(); i++) {
        BenchGraph.Feed f = feeds.get(i);
        in.add(f.large() ? step.create(large[i], new Shape(f.shape())) : step.create(f.values(), new Shape(f.shape())));
      }
      return predictor.predict(in).singletonOrThrow().toFloatArray();
    }
  }

  /** The floor: inputs created once in setup, only predict and output copy per call. */
  @Benchmark
  public float[] rawPredictPrebound() throws TranslateException {
    NDList out = predictor.predict(inputs);
    float[] r = out.singletonOrThrow().toFloatArray();
    out.close();
    return r;
  }

  @TearDown
  public void tearDown() {
    vimi.close();
    predictor.close();
    manager.close();
    raw.close();
  }
}
