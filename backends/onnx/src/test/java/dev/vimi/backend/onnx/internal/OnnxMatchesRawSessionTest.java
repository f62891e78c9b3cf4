package dev.vimi.backend.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.vimi.api.StageSpec;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.backend.fixtures.VimiTinyReference;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The backend calls ONNX Runtime directly (inputs bound from the tensors' buffers, output pinned into
 * the returned tensor): what it returns must be bit for bit what a plain {@code OrtSession.run} on a
 * session with the same options returns for the same inputs, hand-bound from float arrays, on every
 * graph kind it handles (fp32 with a pinned output, fp16, an extra low-res input, a batch of two as the
 * guided sampler sends) and on ViMi-tiny's base graph at the shape its manifest declares. Then the
 * sampler on top of it cannot change either.
 */
class OnnxMatchesRawSessionTest {

  private static Denoiser create(DenoiserSpec spec) {
    return new OnnxDenoiserProvider().create(spec, ProviderConfig.of("test onnx", Map.of("threads", "1")));
  }

  /** A random input of the spec's shape with batch {@code b} (a low-res video when the graph takes one). */
  static DenoiserInput input(DenoiserSpec s, int b, long seed) {
    Random r = new Random(seed);
    boolean lowRes = s.graph().orElseThrow().inputs().stream().anyMatch(i -> i.role() == dev.vimi.spi.InputRole.LOW_RES_VIDEO);
    float[] sigma = new float[b];
    float[] cNoise = new float[b];
    for (int i = 0; i < b; i++) {
      sigma[i] = (float) (0.5 + 3 * r.nextDouble());
      cNoise[i] = (float) (Math.log(sigma[i]) / 4);
    }
    float[] mask = new float[b * s.conditioningLength()];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (i % s.conditioningLength()) < s.conditioningLength() / 2 ? 1f : 0f;
    }
    return new DenoiserInput(
        gaussian(r, b, s.channels(), s.frames(), s.height(), s.width()), sigma, cNoise,
        gaussian(r, b, s.conditioningLength(), s.conditioningDim()), Tensor.of(mask, b, s.conditioningLength()), 24f,
        lowRes ? gaussian(r, b, s.channels(), s.frames(), s.height(), s.width()) : null);
  }

  private static Tensor gaussian(Random r, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.of(v, shape);
  }

  /** A hand-written call: every input copied from a float array, ONNX Runtime allocates the output. */
  static float[] raw(DenoiserSpec s, DenoiserInput in) throws OrtException {
    GraphSpec g = s.graph().orElseThrow();
    boolean half = g.precision().equals("fp16");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      so.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(g.file().toString(), so)) {
        int b = in.batch();
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        try {
          for (GraphInput gi : g.inputs()) {
            float[] v;
            long[] shape;
            switch (gi.role()) {
              case NOISY_VIDEO -> { v = in.x().toArray(); shape = longs(in.x().shape()); }
              case LOW_RES_VIDEO -> { v = in.lowRes().toArray(); shape = longs(in.lowRes().shape()); }
              case CONDITIONING -> { v = in.conditioning().toArray(); shape = longs(in.conditioning().shape()); }
              case CONDITIONING_MASK -> { v = in.mask().toArray(); shape = longs(in.mask().shape()); }
              case SIGMA -> { v = in.sigma(); shape = new long[] {b}; }
              case C_NOISE -> { v = in.cNoise(); shape = new long[] {b}; }
              case FPS -> { v = new float[b]; java.util.Arrays.fill(v, in.fps()); shape = new long[] {b}; }
              case RESOLUTION -> {
                v = new float[2 * b];
                for (int i = 0; i < b; i++) {
                  v[2 * i] = in.height();
                  v[2 * i + 1] = in.width();
                }
                shape = new long[] {b, 2};
              }
              default -> throw new AssertionError(gi.role());
            }
            if (half) {
              short[] h = new short[v.length];
              for (int i = 0; i < v.length; i++) {
                h[i] = Float.floatToFloat16(v[i]);
              }
              feeds.put(gi.name(), OnnxTensor.createTensor(env, ShortBuffer.wrap(h), shape, OnnxJavaType.FLOAT16));
            } else {
              feeds.put(gi.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape));
            }
          }
          try (OrtSession.Result r = session.run(feeds)) {
            OnnxTensor out = (OnnxTensor) r.get(g.output()).orElseThrow();
            if (half) {
              ShortBuffer h = out.getByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer();
              float[] f = new float[h.remaining()];
              for (int i = 0; i < f.length; i++) {
                f[i] = Float.float16ToFloat(h.get(i));
              }
              return f;
            }
            FloatBuffer fb = out.getFloatBuffer();
            float[] f = new float[fb.remaining()];
            fb.get(f);
            return f;
          }
        } finally {
          for (OnnxTensor t : feeds.values()) {
            t.close();
          }
        }
      }
    }
  }

  private static long[] longs(int[] s) {
    long[] l = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      l[i] = s[i];
    }
    return l;
  }

  private static void assertSameBits(DenoiserSpec spec, int batch) throws OrtException {
    DenoiserInput in = input(spec, batch, 7 + batch);
    try (Denoiser d = create(spec)) {
      Tensor out = d.evaluate(in);
      assertThat(out.shape()).isEqualTo(in.x().shape());
      assertThat(out.toArray()).as("vimi vs raw OrtSession.run, batch %d", batch).isEqualTo(raw(spec, in));
    }
  }

  @Test
  void fp32GraphWithPinnedOutputGivesTheRawSessionsBits() throws OrtException {
    assertSameBits(TestBundle.spec("base"), 1);
    assertSameBits(TestBundle.spec("base"), 2);
  }

  @Test
  void graphWithALowResInputGivesTheRawSessionsBits() throws OrtException {
    assertSameBits(TestBundle.spec("upsampler"), 2);
  }

  @Test
  void fp16GraphGivesTheRawSessionsBits() throws OrtException {
    assertSameBits(TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("base-fp16.onnx", false, "fp16")), 1);
  }

  @Test
  void graphWithADynamicOutputShapeGivesTheRawSessionsBits() throws OrtException {
    // the output shape is known only when it runs, so it is copied rather than pinned; nan.onnx is sqrt(x)
    DenoiserSpec spec = TestBundle.withGraph(TestBundle.spec("base"), TestBundle.graph("nan.onnx", true, "fp32"));
    DenoiserInput in = input(spec, 1, 3);
    float[] x = in.x().toArray();
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.abs(x[i]);
    }
    DenoiserInput positive = new DenoiserInput(
        Tensor.of(x, in.x().shape()), in.sigma(), in.cNoise(), in.conditioning(), in.mask(), in.fps(), null);
    try (Denoiser d = create(spec)) {
      assertThat(d.evaluate(positive).toArray()).isEqualTo(raw(spec, positive));
    }
  }

  @Test
  void vimiTinyBaseGraphAtItsManifestShapeGivesTheRawSessionsBits() throws OrtException {
    try (ModelBundle bundle = ModelBundle.load(VimiTinyReference.root().resolve("bundle"))) {
      StageSpec base = bundle.spec().stages().get(0);
      // the guided sampler sends the conditioned and the unconditioned branch as one batch of two
      assertSameBits(base.denoiserSpec("onnx"), 2);
    }
  }

  @Test
  void concurrentCallsEachGetTheirOwnBuffers() throws Exception {
    DenoiserSpec spec = TestBundle.spec("base");
    List<DenoiserInput> inputs = new ArrayList<>();
    List<float[]> expected = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      DenoiserInput in = input(spec, 1 + i % 3, 100 + i);
      inputs.add(in);
      expected.add(raw(spec, in));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (Denoiser d = create(spec)) {
      List<Future<float[]>> got = new ArrayList<>();
      for (int round = 0; round < 20; round++) {
        for (DenoiserInput in : inputs) {
          got.add(pool.submit(() -> d.evaluate(in).toArray()));
        }
      }
      for (int i = 0; i < got.size(); i++) {
        assertThat(got.get(i).get()).as("call %d", i).isEqualTo(expected.get(i % inputs.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
