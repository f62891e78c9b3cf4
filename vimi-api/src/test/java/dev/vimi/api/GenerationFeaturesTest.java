package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vimi.api.internal.sampling.NoiseSource;
import dev.vimi.compat.reference.GaussianOracleDenoiserProvider;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserInput;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The request and result features on the exact Gaussian oracle: negative prompts (the CFG formula
 * with a negative branch), several videos per request (bit-identity with single requests, batching
 * with the guidance branches), initial noise, every stage's clamped video, previews, and async
 * generation with cancellation.
 */
class GenerationFeaturesTest {
  private static final String T2V = "Generate a video with the retrieved text-image examples and text prompt.";

  private static double shift(PromptSegment... segments) {
    return Shifts.of(segments);
  }

  @Test
  void theNegativePromptIsTheUnconditionalBranch() {
    // D is affine in the data mean, so CFG with the negative branch samples N(mu_neg + w (mu_c - mu_neg), s^2)
    double gain = 0.5;
    String prompt = "a blue rocket over the moon";
    String negative = "red blurry smoke";
    double c = shift(PromptSegment.text(T2V + " " + prompt));
    double neg = shift(PromptSegment.text(T2V), PromptSegment.text(negative));
    assertThat(Math.abs(neg - c)).as("the negative prompt must shift the mean clearly differently").isGreaterThan(0.02);
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(16, 16, 16, 48, OutputKind.EDM), 0.0, 0.1, gain)) {
      for (double w : new double[] {2.0, 4.0}) {
        float[] v =
            p.generate(GenerationRequest.builder().prompt(prompt).negativePrompt(negative).seed(5).guidance(w).build())
                .video().frames().toArray();
        double expected = gain * (neg + w * (c - neg));
        assertThat(Oracles.mean(v)).as("mean at guidance %s", w).isCloseTo(expected, within(0.006));
        assertThat(Oracles.variance(v)).as("variance at guidance %s", w).isCloseTo(0.01, within(0.0008));
      }
      // guidance 1 evaluates no unconditional branch: the negative prompt changes nothing
      float[] a = p.generate(GenerationRequest.builder().prompt(prompt).seed(5).guidance(1).build()).video().frames().toArray();
      float[] b =
          p.generate(GenerationRequest.builder().prompt(prompt).negativePrompt(negative).seed(5).guidance(1).build())
              .video().frames().toArray();
      assertThat(b).isEqualTo(a);
    }
  }

  @Test
  void theNegativePromptWorksWithThePerFrameRamp() {
    double gain = 0.5;
    String prompt = "a yellow tiger in a green forest";
    String negative = "a grey rainy street";
    double c = shift(PromptSegment.text(T2V + " " + prompt));
    double neg = shift(PromptSegment.text(T2V), PromptSegment.text(negative));
    int frames = 6;
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(frames, 24, 24, 40, OutputKind.V), 0.0, 0.1, gain)) {
      float[] v =
          p.generate(
                  GenerationRequest.builder().prompt(prompt).negativePrompt(negative).seed(3).guidance(Guidance.linearRamp(1.0, 3.0)).build())
              .video().frames().toArray();
      int plane = 24 * 24;
      for (int t = 0; t < frames; t++) {
        double sum = 0;
        for (int ch = 0; ch < 3; ch++) {
          for (int i = 0; i < plane; i++) {
            sum += v[(ch * frames + t) * plane + i];
          }
        }
        double w = 1.0 + 2.0 * t / (frames - 1.0);
        assertThat(sum / (3 * plane)).as("frame %d mean (scale %s)", t, w).isCloseTo(gain * (neg + w * (c - neg)), within(0.012));
      }
    }
  }

  /** Counts network calls and their batch sizes, delegating to the Gaussian oracle. */
  private static DenoiserProvider counting(int maxBatch, List<Integer> batches) {
    return new DenoiserProvider() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
        Denoiser inner = new GaussianOracleDenoiserProvider().create(spec, ProviderConfig.of("t", Map.of("std", "0.3", "max-batch", "64")));
        return new Denoiser() {
          @Override
          public DenoiserSpec spec() {
            return spec;
          }

          @Override
          public int maxBatch() {
            return maxBatch;
          }

          @Override
          public Tensor evaluate(DenoiserInput in) {
            assertThat(in.batch()).isLessThanOrEqualTo(maxBatch);
            synchronized (batches) {
              batches.add(in.batch());
            }
            return inner.evaluate(in);
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  private static VimiPipeline with(DenoiserProvider dp, ModelSpec model) {
    return VimiPipeline.builder().plugins(Plugins.discover().with(dp)).model(model).denoiser(dp.name(), Map.of()).noRetriever().build();
  }

  @Test
  void everyVideoOfARequestIsTheVideoOfItsSeedAloneAndTheBranchesShareBatches() {
    ModelSpec model = Oracles.model(4, 8, 8, 10, OutputKind.EDM);
    List<Integer> batches = new ArrayList<>();
    try (VimiPipeline p = with(counting(4, batches), model)) {
      GenerationRequest.Builder b = GenerationRequest.builder().prompt("a cat").negativePrompt("a dog").guidance(3).seed(40);
      GenerationResult r = p.generate(b.count(3).build());
      // Heun, 10 steps: 19 evaluations; 3 videos x 2 branches = 6 rows in calls of at most 4
      assertThat(batches).hasSize(38).containsOnly(4, 2);
      assertThat(r.videos()).extracting(GeneratedVideo::seed).containsExactly(40L, 41L, 42L);
      assertThat(r.video()).isEqualTo(r.videos().get(0).video());
      for (int i = 0; i < 3; i++) {
        GenerationResult single = p.generate(b.count(1).seed(40 + i).build());
        assertThat(r.videos().get(i).video().frames().toArray()).as("video %d", i).isEqualTo(single.video().frames().toArray());
      }
      GenerationResult given = p.generate(b.seeds(7, 99).build());
      assertThat(given.videos()).extracting(GeneratedVideo::seed).containsExactly(7L, 99L);
      assertThat(given.videos().get(1).video().frames().toArray())
          .isEqualTo(p.generate(b.seeds(99).build()).video().frames().toArray());
    }
    assertThatThrownBy(() -> GenerationRequest.builder().prompt("a").count(0).build()).hasMessageContaining("count: must be in [1, 64]");
  }

  @Test
  void churnNoiseIsDrawnPerVideo() {
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 10, OutputKind.EDM), 0, 0.3, 1)) {
      GenerationRequest.Builder b = GenerationRequest.builder().prompt("a cat").churn(new Churn(20, 0.01, 50, 1.003)).seed(3);
      GenerationResult r = p.generate(b.count(2).build());
      assertThat(r.videos().get(1).video().frames().toArray())
          .isEqualTo(p.generate(b.count(1).seed(4).build()).video().frames().toArray());
    }
  }

  @Test
  void initialNoiseReplacesTheSeedsNoiseAndIsShapeChecked() {
    ModelSpec model = Oracles.model(4, 8, 8, 6, OutputKind.EDM);
    try (VimiPipeline p = Oracles.gaussian(model, 0, 0.3, 1)) {
      double[] noise = new double[3 * 4 * 8 * 8];
      NoiseSource.of(77, 0).fill(noise);
      Tensor t = Tensor.of(noise, 3, 4, 8, 8);
      float[] bySeed = p.generate(GenerationRequest.builder().prompt("a cat").seed(77).build()).video().frames().toArray();
      float[] given = p.generate(GenerationRequest.builder().prompt("a cat").seed(1).initialNoise(0, t).build()).video().frames().toArray();
      // the given noise replaces the seed's (it is the seed's noise rounded to float32, hence "close")
      for (int i = 0; i < given.length; i++) {
        assertThat(given[i]).isCloseTo(bySeed[i], within(1e-5f));
      }
      assertThat(p.generate(GenerationRequest.builder().prompt("a cat").seed(2).initialNoise(0, t).build()).video().frames().toArray())
          .isEqualTo(given);
      // for several videos: [count, C, T, H, W]
      GenerationResult two =
          p.generate(GenerationRequest.builder().prompt("a cat").seed(1).count(2).initialNoise(0, Tensor.concat(t.reshape(1, 3, 4, 8, 8), t.reshape(1, 3, 4, 8, 8))).build());
      assertThat(two.videos().get(1).video().frames().toArray()).isEqualTo(given);

      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").initialNoise(0, Tensor.zeros(3, 4, 8, 7)).build()))
          .isInstanceOf(InvalidInputException.class)
          .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("initial_noise[0]"))
          .hasMessageContaining("[3, 4, 8, 8]")
          .hasMessageContaining("[3, 4, 8, 7]");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").count(2).initialNoise(0, t).build()))
          .hasMessageContaining("[2, 3, 4, 8, 8]");
      assertThatThrownBy(() -> p.generate(GenerationRequest.builder().prompt("a cat").initialNoise(1, t).build()))
          .hasMessageContaining("stage 1 does not exist");
    }
  }

  @Test
  void everyStageVideoIsReturnedClampedAndTheClampedVideoFeedsTheNextStage() {
    StageSpec base = StageSpec.edmDefaults("base", 4, 6, 8, 12, 32, 64);
    StageSpec up = StageSpec.edmDefaults("upsampler", 8, 12, 16, 12, 32, 64);
    ModelSpec model = new ModelSpec("cascade", null, List.of(base, up), new EncoderSpec("hashing", Map.of()));
    try (VimiPipeline p =
        VimiPipeline.builder().plugins(Plugins.discover().with(new CascadeTest.CascadeOracleProvider())).model(model)
            .denoiser("cascade-oracle", Map.of()).noRetriever().build()) {
      GenerationResult r = p.generate(GenerationRequest.builder().prompt("a cat").seed(2).build());
      assertThat(r.stageVideos()).hasSize(2);
      assertThat(r.stageVideos().get(0).frames().shape()).containsExactly(3, 4, 6, 8);
      assertThat(r.stageVideos().get(1)).isEqualTo(r.video());
      for (var v : r.stageVideos()) {
        for (float f : v.frames().toArray()) {
          assertThat(f).isBetween(-1f, 1f);
        }
      }
    }
  }

  @Test
  void previewsComeEveryNStepsAndTheLastIsTheVideo() {
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 10, OutputKind.EDM), 0, 0.6, 1)) {
      List<Preview> previews = new ArrayList<>();
      List<Progress> steps = new ArrayList<>();
      GenerationResult r =
          p.generate(
              GenerationRequest.builder().prompt("a cat").seed(9).count(2).build(),
              ProgressListener.withPreviews(3, steps::add, previews::add),
              Cancellation.none());
      assertThat(previews).extracting(Preview::step).containsExactly(3, 6, 9, 10);
      assertThat(previews).allSatisfy(pv -> assertThat(pv.videos()).hasSize(2));
      // the last step ends at sigma 0, where the sample is the denoised estimate
      for (int i = 0; i < 2; i++) {
        float[] last = previews.get(3).videos().get(i).frames().toArray();
        float[] video = r.videos().get(i).video().frames().toArray();
        for (int j = 0; j < video.length; j++) {
          assertThat(last[j]).isCloseTo(video[j], within(1e-6f));
        }
      }
      // an early preview is still far from the video
      assertThat(previews.get(0).videos().get(0).frames()).isNotEqualTo(r.video().frames());
    }
  }

  @Test
  void asyncRunsOnThePipelinesPlatformThreadsAndGivesTheSameVideo() throws Exception {
    try (VimiPipeline p = Oracles.gaussian(Oracles.model(4, 8, 8, 6, OutputKind.EDM), 0, 0.3, 1)) {
      GenerationRequest req = GenerationRequest.builder().prompt("a cat").seed(12).build();
      AtomicReference<Thread> thread = new AtomicReference<>();
      CompletableFuture<GenerationResult> f = p.generateAsync(req, e -> thread.set(Thread.currentThread()));
      GenerationResult r = f.get(10, TimeUnit.MINUTES);
      assertThat(r.video().frames().toArray()).isEqualTo(p.generate(req).video().frames().toArray());
      assertThat(thread.get().getName()).startsWith("vimi-generate-");
      assertThat(thread.get().isVirtual()).isFalse();
      assertThat(thread.get().isDaemon()).isTrue();
      // failures complete the future exceptionally, with the exception generate would throw
      CompletableFuture<GenerationResult> bad = p.generateAsync(GenerationRequest.builder().prompt("a cat").frames(2).build(), ProgressListener.NONE);
      assertThatThrownBy(() -> bad.get(10, TimeUnit.MINUTES)).hasCauseInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void cancellingTheFutureStopsTheSamplerWithinOneStep() throws Exception {
    List<Integer> batches = new ArrayList<>();
    ModelSpec model = Oracles.model(4, 8, 8, 20, OutputKind.EDM);
    CountDownLatch atStep3 = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicInteger lastStep = new AtomicInteger();
    AtomicInteger callsAtCancel = new AtomicInteger();
    CompletableFuture<GenerationResult> f;
    VimiPipeline p = with(counting(2, batches), model);
    try {
      f = p.generateAsync(GenerationRequest.builder().prompt("a cat").guidance(2).build(), e -> {
        if (e.phase() != Progress.Phase.SAMPLING) {
          return;
        }
        lastStep.set(e.step());
        if (e.step() == 3) {
          atStep3.countDown();
          try {
            assertThat(cancelled.await(10, TimeUnit.MINUTES)).isTrue();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        }
      });
      assertThat(atStep3.await(10, TimeUnit.MINUTES)).isTrue();
      synchronized (batches) {
        callsAtCancel.set(batches.size());
      }
      assertThat(f.cancel(true)).isTrue();
      cancelled.countDown();
    } finally {
      p.close(); // waits for the generation to stop
    }
    assertThat(f.isCancelled()).isTrue();
    assertThat(callsAtCancel.get()).as("3 Heun steps: 6 evaluations").isEqualTo(6);
    assertThat(batches).as("no network call after the cancel").hasSize(callsAtCancel.get());
    assertThat(lastStep.get()).isEqualTo(3);
  }
}
