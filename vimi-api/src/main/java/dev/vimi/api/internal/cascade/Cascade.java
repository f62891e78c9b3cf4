package dev.vimi.api.internal.cascade;

import dev.vimi.api.Cancellation;
import dev.vimi.api.Churn;
import dev.vimi.api.Guidance;
import dev.vimi.api.SamplerKind;
import dev.vimi.api.StageSpec;
import dev.vimi.api.internal.sampling.EdmSampler;
import dev.vimi.api.internal.sampling.GuidedDenoiser;
import dev.vimi.api.internal.sampling.NoiseSource;
import dev.vimi.api.internal.sampling.SigmaSchedule;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cascade of one clip for a batch of items: stage after stage, each item's initial noise from its
 * seed (or given), the previous stage's clamped output resized as the low-res input, the item's known
 * frames resized to the stage when its denoiser takes them, all items sampled together by the EDM
 * sampler with classifier-free guidance. Each stage's output is clamped to [-1, 1] and the clamped
 * video conditions the next stage. Item {@code i}'s videos equal a run of that item alone (when the
 * denoiser's batch rows are independent to the bit, as the oracles' are).
 *
 * <p>Stateless; every call owns its arrays.
 */
public final class Cascade {
  private static final Logger LOG = LoggerFactory.getLogger(Cascade.class);

  private Cascade() {}

  /**
   * One video to sample.
   *
   * @param seed its seed: stage s draws its initial noise from stream {@code 2s} and its churn from
   *     stream {@code 2s + 1}
   * @param cond the prompt's conditioning
   * @param uncond the unconditional branch's conditioning
   * @param known its known frames (possibly none)
   * @param initialNoise per stage, the initial noise {@code [C*T*H*W]} or null to draw it from the seed
   */
  public record Item(long seed, Conditioning cond, Conditioning uncond, KnownFrames known, List<double[]> initialNoise) {}

  /** The run's settings, resolved per stage. */
  public record Settings(float fps, int[] steps, List<Guidance> guidance, SamplerKind sampler, Churn churn) {}

  /** Sees the run: step counts, and (when it asks) the denoised estimate. */
  public interface Observer {
    void stageStarted(int stage, int totalSteps);

    void step(int stage, int done, int totalSteps);

    /** Steps between previews, 0 for none. */
    int previewEvery();

    /** @param videos per item, the current denoised estimate {@code [C, T, H, W]} clamped to [-1, 1] */
    void preview(int stage, int done, int totalSteps, List<Tensor> videos);
  }

  /** @return per item, every stage's clamped video, base first */
  public static List<List<Video>> run(
      List<StageSpec> stages, List<Denoiser> denoisers, List<Item> items, Settings settings, Observer observer, Cancellation cancellation) {
    int n = items.size();
    List<List<Video>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    EdmSampler sampler = new EdmSampler(settings.sampler(), settings.churn());
    double[][] previous = null;
    StageSpec prevSpec = null;
    for (int s = 0; s < stages.size(); s++) {
      StageSpec st = stages.get(s);
      Denoiser denoiser = denoisers.get(s);
      int stepCount = settings.steps()[s];
      int size = st.channels() * st.frames() * st.height() * st.width();
      boolean takesKnown = denoiser.takesKnownFrames();
      List<GuidedDenoiser.Item> rows = new ArrayList<>(n);
      double[] noise = new double[n * size];
      NoiseSource[] churn = new NoiseSource[n];
      for (int i = 0; i < n; i++) {
        Item it = items.get(i);
        Tensor lowRes = null;
        if (previous != null) {
          double[] resized =
              VideoResize.resize(
                  previous[i], prevSpec.channels(), prevSpec.frames(), prevSpec.height(), prevSpec.width(),
                  st.frames(), st.height(), st.width(), st.lowResResize());
          lowRes = Tensor.of(resized, st.channels(), st.frames(), st.height(), st.width());
        }
        Tensor kf = null;
        Tensor km = null;
        if (takesKnown && !it.known().isEmpty()) {
          KnownFrames.StageInputs k = it.known().forStage(st.frames(), st.height(), st.width());
          kf = k.frames();
          km = k.mask();
        }
        rows.add(new GuidedDenoiser.Item(it.cond(), it.uncond(), lowRes, kf, km));
        double[] given = it.initialNoise() == null || it.initialNoise().size() <= s ? null : it.initialNoise().get(s);
        if (given != null) {
          System.arraycopy(given, 0, noise, i * size, size);
        } else {
          double[] own = new double[size];
          NoiseSource.of(it.seed(), 2L * s).fill(own);
          System.arraycopy(own, 0, noise, i * size, size);
        }
        churn[i] = NoiseSource.of(it.seed(), 2L * s + 1);
      }
      GuidedDenoiser d = new GuidedDenoiser(denoiser, rows, settings.guidance().get(s), settings.fps(), cancellation);
      double[] sigmas = SigmaSchedule.karras(stepCount, st.sigmaMin(), st.sigmaMax(), st.rho());
      final int stageIndex = s;
      final StageSpec stage = st;
      int every = observer.previewEvery();
      observer.stageStarted(s, stepCount);
      double[] x =
          sampler.sample(noise, sigmas, d, churn, (done, den) -> {
            observer.step(stageIndex, done, stepCount);
            if (every > 0 && (done % every == 0 || done == stepCount)) {
              observer.preview(stageIndex, done, stepCount, split(den, n, size, stage, true));
            }
          });
      double[][] clamped = new double[n][size];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < size; j++) {
          clamped[i][j] = Math.max(-1, Math.min(1, x[i * size + j]));
        }
        out.get(i).add(new Video(Tensor.of(clamped[i], st.channels(), st.frames(), st.height(), st.width()), settings.fps()));
      }
      LOG.debug("stage '{}': {} item(s), {} steps, {} network calls", st.name(), n, stepCount, d.evaluations());
      previous = clamped;
      prevSpec = st;
    }
    return out;
  }

  private static List<Tensor> split(double[] all, int n, int size, StageSpec st, boolean clamp) {
    List<Tensor> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] v = new float[size];
      for (int j = 0; j < size; j++) {
        double d = all[i * size + j];
        v[j] = (float) (clamp ? Math.max(-1, Math.min(1, d)) : d);
      }
      out.add(Tensor.of(v, st.channels(), st.frames(), st.height(), st.width()));
    }
    return out;
  }
}
