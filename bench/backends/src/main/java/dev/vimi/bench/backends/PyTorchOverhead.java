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
import dev.vimi.backend.pytorch.PyTorchDenoiserProvider;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
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
  @Param({"bench", "test-denoiser", "trivial"})
  public String model;

  @Param({"1", "2"})
  public int threads;

  private Denoiser vimi;
  private DenoiserInput input;
  private Model raw;
  private Predictor<NDList, NDList> predictor;
  private NDManager manager;
  private NDList inputs;
  private Shape xShape;
  private Shape condShape;
  private Shape maskShape;

  @Setup
  public void setup() throws Exception {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    JniUtils.setGraphExecutorOptimize(false);
    BenchGraph g = BenchGraph.load(model, BenchGraph.root());
    input = g.input();
    vimi =
        new PyTorchDenoiserProvider()
            .create(g.pytorch(), ProviderConfig.of("bench pytorch", Map.of("threads", String.valueOf(threads))));
    raw = Model.newInstance("raw", Device.cpu(), "PyTorch");
    raw.load(g.pytorch().graph().orElseThrow().file(), null, Map.of("mapLocation", "true"));
    predictor = raw.newPredictor(new NoopTranslator());
    manager = raw.getNDManager().newSubManager();
    xShape = new Shape(java.util.Arrays.stream(input.x().shape()).asLongStream().toArray());
    condShape = new Shape(java.util.Arrays.stream(input.conditioning().shape()).asLongStream().toArray());
    maskShape = new Shape(java.util.Arrays.stream(input.mask().shape()).asLongStream().toArray());
    inputs =
        new NDList(
            manager.create(input.x().toArray(), new Shape(1, g.pytorch().channels(), g.pytorch().frames(),
                g.pytorch().height(), g.pytorch().width())),
            manager.create(input.cNoise(), new Shape(1)),
            manager.create(input.conditioning().toArray(), new Shape(1, g.pytorch().conditioningLength(),
                g.pytorch().conditioningDim())),
            manager.create(input.mask().toArray(), new Shape(1, g.pytorch().conditioningLength())),
            manager.create(new float[] {input.fps()}, new Shape(1)),
            manager.create(new float[] {input.height(), input.width()}, new Shape(1, 2)));
  }

  @Benchmark
  public Tensor vimiEvaluate() {
    return vimi.evaluate(input);
  }

  /** What a hand-written DJL integration does per sampler step: create this step's inputs, predict, copy out. */
  @Benchmark
  public float[] rawPredict() throws TranslateException {
    try (NDManager step = manager.newSubManager()) {
      NDList in =
          new NDList(
              step.create(input.x().buffer(), xShape),
              step.create(input.cNoise(), new Shape(1)),
              step.create(input.conditioning().buffer(), condShape),
              step.create(input.mask().buffer(), maskShape),
              step.create(new float[] {input.fps()}, new Shape(1)),
              step.create(new float[] {input.height(), input.width()}, new Shape(1, 2)));
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
