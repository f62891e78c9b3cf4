import dev.vimi.api.*;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.Tensor;
import dev.vimi.image.ImageLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The README's generation-features snippet as pasted, then what each feature does on a model (ViMi-tiny
 * by default): batch vs single request, the negative prompt's effect, noise in, known frames, async
 * cancel. Prints one line per measurement. Run from the repository root after {@code ./vimi --help} built
 * the command line:
 *
 * <pre>
 * java -cp "samples/cli/target/vimi-cli.jar:samples/cli/target/lib/*" models/vimi-tiny/tools/GenerationFeatures.java models/vimi-tiny/bundle
 * </pre>
 */
public class GenerationFeatures {
  static final Logger log = LoggerFactory.getLogger("readme");

  static double maxAbs(float[] a, float[] b) { double m = 0; for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; }
  static double meanAbs(float[] a, float[] b) { double m = 0; for (int i = 0; i < a.length; i++) m += Math.abs(a[i] - b[i]); return m / a.length; }
  /** the first t frames of [3, T, H, W] */
  static float[] head(Tensor v, int t) {
    int[] s = v.shape(); int plane = s[2] * s[3]; float[] a = v.toArray(); float[] o = new float[3 * t * plane];
    for (int c = 0; c < 3; c++) System.arraycopy(a, c * s[1] * plane, o, c * t * plane, t * plane);
    return o;
  }

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    try (VimiPipeline pipeline = VimiPipeline.builder().model(ModelBundle.load(model).spec()).denoiser("onnx", Map.of()).noRetriever().build()) {
      long t0 = System.nanoTime();
      // ---- README.md, "Generation features", the Java snippet as pasted (hence its indentation) ----
GenerationRequest request = GenerationRequest.builder()
    .prompt("a dog moves right on a blue background").seed(7)
    .negativePrompt("red")        // guidance's unconditional branch: D = D_neg + w (D_cond - D_neg)
    .count(2)                     // seeds 7 and 8 (or .seeds(...)); video i = a request of count 1 with seed 7 + i
    .frames(32)                   // beyond the model's clip (ViMi-tiny: 16): clip after clip
    .longVideo(LongVideo.DEFAULT.withReferenceNoise(LongVideo.sigmaOfDdpmStep(200)).withBlendFrames(1))
    .build();
GenerationResult r = pipeline.generate(request,
    ProgressListener.withPreviews(6,  // the denoised estimate every 6 steps of every stage
        p -> log.info("clip {}/{} {} {}/{}", p.clip() + 1, p.clipCount(), p.stage(), p.step(), p.totalSteps()),
        preview -> log.info("preview of {} videos at step {}", preview.videos().size(), preview.step())),
    new Cancellation());
for (GeneratedVideo v : r.videos()) {   // its seed, the video, every stage's video (base first)
  log.info("seed {}: {} frames, base stage {}", v.seed(), v.video().frameCount(), v.stageVideos().get(0).frames());
}

// noise in: stage 0's initial noise instead of the seed's, [C, T, H, W] (or [count, C, T, H, W])
GenerationRequest fromNoise = GenerationRequest.builder().prompt("a dog moves right on a blue background")
    .initialNoise(0, Tensor.zeros(3, 16, 18, 32)).build();

// async: on the pipeline's own platform threads; cancel stops the sampler before its next network call
CompletableFuture<GenerationResult> future = pipeline.generateAsync(fromNoise, ProgressListener.NONE);
future.cancel(true);

// known frames, for a model whose graphs take them (ViMi-tiny refuses them, naming the bundle)
ImageRef first = ImageLoader.withDefaultLimits().readPixels(ImageRef.of(Path.of("models/vimi-tiny/eval/frames/test-000032.png")));
GenerationRequest.builder().prompt("a red ball").conditioningFrame(0, first).conditioningFrame(7, first);
      // ---- end of snippet ----
      System.out.printf("SNIPPET: %d videos, final %s, stage videos %s / %s, %.1f s%n", r.videos().size(),
          Arrays.toString(r.video().frames().shape()), Arrays.toString(r.videos().get(1).stageVideos().get(0).frames().shape()),
          Arrays.toString(r.videos().get(1).stageVideos().get(1).frames().shape()), (System.nanoTime() - t0) / 1e9);

      // count: video 2 (seed 8) of the batch vs a single request of seed 8 (its first clip is a plain request)
      GenerationRequest.Builder one = GenerationRequest.builder().prompt("a dog moves right on a blue background").negativePrompt("red").seed(8);
      long t1 = System.nanoTime();
      GenerationResult single = pipeline.generate(one.build());
      System.out.printf("SINGLE seed 8: %.1f s%n", (System.nanoTime() - t1) / 1e9);
      System.out.printf("COUNT: video 2 of count 2 (frames 0-15) vs seed 8 alone: final max abs diff %.3g, base max abs diff %.3g%n",
          maxAbs(head(r.videos().get(1).video().frames(), 16), single.video().frames().toArray()),
          maxAbs(head(r.videos().get(1).stageVideos().get(0).frames(), 16), single.stageVideos().get(0).frames().toArray()));

      // negative prompt: the same seed without it
      GenerationResult noNeg = pipeline.generate(GenerationRequest.builder().prompt("a dog moves right on a blue background").seed(8).build());
      float[] a = single.video().frames().toArray(), b = noNeg.video().frames().toArray();
      System.out.printf("NEGATIVE 'red' vs none, seed 8: final mean abs diff %.4f, max %.3f; base mean abs diff %.4f%n",
          meanAbs(a, b), maxAbs(a, b), meanAbs(single.stageVideos().get(0).frames().toArray(), noNeg.stageVideos().get(0).frames().toArray()));
      double[] red = new double[2];
      for (int k = 0; k < 2; k++) {
        float[] v = (k == 0 ? single : noNeg).video().frames().toArray(); int n = v.length / 3; double s = 0;
        for (int i = 0; i < n; i++) s += v[i] - (v[n + i] + v[2 * n + i]) / 2;
        red[k] = s / n;
      }
      System.out.printf("NEGATIVE: mean (R - (G+B)/2) with 'red' negative %.4f, without %.4f%n", red[0], red[1]);

      // noise in: zeros, and a stage's shape error
      GenerationResult zeros = pipeline.generate(fromNoise);
      System.out.printf("NOISE IN zeros: final %s, finite %b%n", Arrays.toString(zeros.video().frames().shape()), zeros.video().frames().firstNonFinite() < 0);
      try {
        pipeline.generate(GenerationRequest.builder().prompt("a dog").initialNoise(0, Tensor.zeros(3, 16, 18, 30)).build());
      } catch (RuntimeException e) {
        System.out.println("NOISE IN wrong shape: " + e.getMessage());
      }

      // known frames: refused
      try {
        pipeline.generate(GenerationRequest.builder().prompt("a red ball").conditioningFrame(0, first).build());
      } catch (RuntimeException e) {
        System.out.println("KNOWN FRAMES: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }

      // async cancel at step 3 of the base stage
      AtomicInteger last = new AtomicInteger(-1);
      CountDownLatch at3 = new CountDownLatch(1);
      AtomicReference<String> thread = new AtomicReference<>();
      CompletableFuture<GenerationResult> f =
          pipeline.generateAsync(fromNoise, p -> {
            if (p.phase() == Progress.Phase.SAMPLING) {
              last.set(p.step());
              Thread t = Thread.currentThread();
              thread.set(t.getName() + (t.isVirtual() ? " (virtual)" : " (platform)"));
              if (p.step() == 3) {
                at3.countDown();
              }
            }
          });
      at3.await();
      f.cancel(true);
      int atCancel = last.get();
      pipeline.close(); // cancels and awaits the generations still running
      System.out.printf("ASYNC: thread %s, cancelled after step %d, last step reported %d%n", thread.get(), atCancel, last.get());
    }
  }
}
