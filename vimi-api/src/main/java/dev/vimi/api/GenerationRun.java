package dev.vimi.api;

import dev.vimi.api.internal.cascade.Cascade;
import dev.vimi.api.internal.cascade.KnownFrames;
import dev.vimi.api.internal.sampling.NoiseSource;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of {@link VimiPipeline#generate}: checks the request against the model, retrieves and
 * encodes once, then runs the {@link Cascade} for all requested videos together -- once for a clip,
 * or clip after clip for a long video. Not thread-safe; one instance per call.
 */
final class GenerationRun {
  private static final Logger LOG = LoggerFactory.getLogger(VimiPipeline.class);

  private final ModelSpec model;
  private final List<Denoiser> denoisers;
  private final ConditionEncoder encoder;
  private final Retriever retriever;
  private final Map<String, TaskInstruction> tasks;
  private final String defaultTask;
  private final int defaultK;
  private final GenerationRequest request;
  private final ProgressListener listener;
  private final Cancellation cancellation;

  GenerationRun(
      ModelSpec model,
      List<Denoiser> denoisers,
      ConditionEncoder encoder,
      Retriever retriever,
      Map<String, TaskInstruction> tasks,
      String defaultTask,
      int defaultK,
      GenerationRequest request,
      ProgressListener listener,
      Cancellation cancellation) {
    this.model = model;
    this.denoisers = denoisers;
    this.encoder = encoder;
    this.retriever = retriever;
    this.tasks = tasks;
    this.defaultTask = defaultTask;
    this.defaultK = defaultK;
    this.request = request;
    this.listener = listener;
    this.cancellation = cancellation;
  }

  GenerationResult run() {
    long start = System.nanoTime();
    List<StageSpec> stages = model.stages();
    int stagesN = stages.size();
    StageSpec last = model.finalStage();
    int clipFrames = last.frames();
    int frames = request.frames().orElse(clipFrames);
    if (frames < clipFrames) {
      throw new InvalidInputException(
          "frames",
          "this model generates clips of " + clipFrames + " frames; ask for " + clipFrames + ", or for more to make a long "
              + "video clip after clip, but not " + frames);
    }
    checkEquals("width", request.width().orElse(last.width()), last.width());
    checkEquals("height", request.height().orElse(last.height()), last.height());
    int[] steps = request.steps();
    if (steps.length > 1 && steps.length != stagesN) {
      throw new InvalidInputException(
          "steps", "give one step count for all stages or one per stage (" + stagesN + "), not " + steps.length);
    }
    String taskName = request.task() != null ? request.task() : defaultTask;
    TaskInstruction task = tasks.get(taskName);
    if (task == null) {
      throw new ProviderNotFoundException("task", taskName, tasks.keySet().stream().sorted().toList());
    }
    TaskInput input = request.taskInput();
    task.validate(input);
    float fps = request.fps().isPresent() ? (float) request.fps().getAsDouble() : last.fps();
    int[] stageSteps = new int[stagesN];
    List<Guidance> guidance = new ArrayList<>();
    for (int s = 0; s < stagesN; s++) {
      StageSpec st = stages.get(s);
      stageSteps[s] = steps.length == 0 ? st.steps() : steps.length == 1 ? steps[0] : steps[s];
      guidance.add(request.guidance() != null ? request.guidance() : st.guidance());
    }
    int count = request.count();
    List<List<double[]>> noise = initialNoise(count);
    KnownFrames known = knownFrames(clipFrames);
    ClipPlan plan = frames == clipFrames ? ClipPlan.ONE : clipPlan(frames, clipFrames);

    List<RetrievedItem> retrieved = List.of();
    int k = request.retrievalK().orElse(defaultK);
    if (task.retrieves() && k > 0) {
      if (retriever == null) {
        LOG.info("task '{}' retrieves but the pipeline has no retriever: generating without retrieved pairs", taskName);
      } else {
        listener.onProgress(new Progress(Progress.Phase.RETRIEVING, "retrieval", 0, stagesN, 0, 1, 0, plan.clips()));
        retrieved = retriever.retrieve(new RetrievalQuery(task.retrievalQuery(input), k));
        LOG.debug("retrieved {} pair(s) for '{}'", retrieved.size(), task.retrievalQuery(input));
      }
    }
    cancellation.check("after retrieval");

    MultimodalPrompt prompt = task.assemble(input, retrieved);
    listener.onProgress(new Progress(Progress.Phase.ENCODING, "encoding", 0, stagesN, 0, 1, 0, plan.clips()));
    Conditioning cond = encoder.encode(prompt);
    Conditioning uncond =
        request.negativePrompt() == null
            ? encoder.empty()
            : encoder.encode(MultimodalPrompt.of(PromptSegment.text(task.instruction()), PromptSegment.text(request.negativePrompt())));
    cancellation.check("after encoding");

    Cascade.Settings settings = new Cascade.Settings(fps, stageSteps, guidance, request.sampler(), request.churn());
    List<Cascade.Item> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      items.add(new Cascade.Item(request.seedOf(i), cond, uncond, known, noise.get(i)));
    }
    List<List<Video>> videos;
    if (frames == clipFrames) {
      videos = Cascade.run(stages, denoisers, items, settings, new Observer(0, 1, fps), cancellation);
    } else {
      videos = new LongVideoRun(items, settings, fps, frames, plan, input, uncond).run();
    }
    listener.onProgress(new Progress(Progress.Phase.DONE, "done", stagesN - 1, stagesN, 1, 1, plan.clips() - 1, plan.clips()));
    List<GeneratedVideo> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Video> sv = videos.get(i);
      out.add(new GeneratedVideo(request.seedOf(i), sv.get(sv.size() - 1), sv));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    GeneratedVideo first = out.get(0);
    return new GenerationResult(first.video(), first.stageVideos(), retrieved, prompt, first.seed(), elapsed, out);
  }

  private static void checkEquals(String field, int requested, int model) {
    if (requested != model) {
      throw new InvalidInputException(
          field, "this model generates " + field + " = " + model + " only, but " + requested + " was requested; omit it or set it to " + model);
    }
  }

  /** Per item, per stage: the given initial noise (flat) or null; shapes checked. */
  private List<List<double[]>> initialNoise(int count) {
    List<StageSpec> stages = model.stages();
    List<List<double[]>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new ArrayList<>(java.util.Collections.nCopies(stages.size(), (double[]) null)));
    }
    for (Map.Entry<Integer, Tensor> e : request.initialNoise().entrySet()) {
      int s = e.getKey();
      if (s >= stages.size()) {
        throw new InvalidInputException(
            "initial_noise", "stage " + s + " does not exist: model '" + model.name() + "' has " + stages.size()
                + " stage(s), indexed from 0");
      }
      StageSpec st = stages.get(s);
      int[] one = {st.channels(), st.frames(), st.height(), st.width()};
      int[] batch = {count, st.channels(), st.frames(), st.height(), st.width()};
      int[] got = e.getValue().shape();
      if (!(Arrays.equals(got, batch) || (count == 1 && Arrays.equals(got, one)))) {
        throw new InvalidInputException(
            "initial_noise[" + s + "]",
            "stage '" + st.name() + "' takes noise of shape " + Arrays.toString(one)
                + (count > 1 ? "" : " or " + Arrays.toString(batch)) + (count > 1 ? " for each of the " + count + " videos, given as "
                + Arrays.toString(batch) : "") + " but the request gives " + Arrays.toString(got));
      }
      float[] all = e.getValue().toArray();
      int size = all.length / count;
      for (int i = 0; i < count; i++) {
        double[] d = new double[size];
        for (int j = 0; j < size; j++) {
          d[j] = all[i * size + j];
        }
        out.get(i).set(s, d);
      }
    }
    return out;
  }

  /** The request's conditioning frames (and a predict task's first frame as frame 0), checked against the model. */
  private KnownFrames knownFrames(int clipFrames) {
    int channels = model.stages().get(0).channels();
    KnownFrames known = KnownFrames.none(channels, clipFrames);
    boolean takes = denoisers.get(0).takesKnownFrames();
    if (!request.conditioningFrames().isEmpty() && !takes) {
      throw new InvalidInputException(
          "conditioning_frames",
          "model '" + model.name() + "'" + (model.directory() == null ? "" : " (bundle " + model.directory() + ")")
              + " takes no conditioning frames: the graph of its first stage '" + model.stages().get(0).name()
              + "' declares no known_frames and known_mask inputs. Use a model whose denoiser takes them, or for a first "
              + "frame use the predict task (firstFrame), which goes through the encoder");
    }
    for (ConditioningFrame f : request.conditioningFrames()) {
      if (f.index() >= clipFrames) {
        throw new InvalidInputException(
            "conditioning_frames",
            "frame " + f.index() + " is beyond the model's clip of " + clipFrames + " frames; known frames must lie in [0, "
                + clipFrames + ") (for a long video: in the first clip)");
      }
      known = known.with(f.index(), f.pixels());
    }
    ImageRef first = request.firstFrame();
    if (takes && first != null && !known.indices().contains(0)) {
      if (first instanceof ImageRef.OfPixels) {
        known = known.with(0, ConditioningFrame.pixels(first, "first_frame"));
        LOG.debug("the first frame is also known frame 0 of the video (the model takes conditioning frames)");
      } else {
        LOG.info("the first frame ({}) is not decoded pixels, so only the encoder sees it; decode it (ImageRef.OfPixels) "
            + "to make it known frame 0 as well", first.describe());
      }
    }
    return known;
  }

  /** Forwards the cascade's steps and previews to the listener, with the clip they belong to. */
  private final class Observer implements Cascade.Observer {
    private final int clip;
    private final int clips;
    private final float fps;

    Observer(int clip, int clips, float fps) {
      this.clip = clip;
      this.clips = clips;
      this.fps = fps;
    }

    @Override
    public void stageStarted(int stage, int totalSteps) {
      step(stage, 0, totalSteps);
    }

    @Override
    public void step(int stage, int done, int totalSteps) {
      List<StageSpec> st = model.stages();
      listener.onProgress(new Progress(Progress.Phase.SAMPLING, st.get(stage).name(), stage, st.size(), done, totalSteps, clip, clips));
    }

    @Override
    public int previewEvery() {
      return listener.previewEvery();
    }

    @Override
    public void preview(int stage, int done, int totalSteps, List<Tensor> videos) {
      List<Video> v = videos.stream().map(t -> new Video(t, fps)).toList();
      listener.onPreview(new Preview(model.stages().get(stage).name(), stage, done, totalSteps, clip, v));
    }
  }

  /**
   * How a video is cut into clips: one clip, or for a long video whether the model takes conditioning
   * frames (ART-V clips) or not (the predict task), the slots of a later clip that repeat earlier frames,
   * and the number of clips.
   */
  private record ClipPlan(boolean takesKnownFrames, int lead, int clips) {
    static final ClipPlan ONE = new ClipPlan(false, 0, 1);
  }

  /** The clips of a long video; checked before any network runs. */
  private ClipPlan clipPlan(int frames, int clipFrames) {
    LongVideo lv = request.longVideo();
    boolean takes = denoisers.get(0).takesKnownFrames();
    int lead; // slots of a later clip that repeat earlier frames (anchor + references, or the predict task's first frame)
    if (takes) {
      lead = (lv.anchor() ? 1 : 0) + lv.referenceFrames();
      if (lead >= clipFrames) {
        throw new InvalidInputException(
            "long_video.reference_frames",
            lv.referenceFrames() + " reference frame(s)" + (lv.anchor() ? " and the anchor" : "") + " fill the model's clip of "
                + clipFrames + " frames, leaving none to generate; use at most " + (clipFrames - 1 - (lv.anchor() ? 1 : 0)));
      }
    } else {
      if (tasks.get("predict") == null) {
        throw new ConfigurationException(
            "model '" + model.name() + "' takes no conditioning frames and no 'predict' task is present, so a video longer than "
                + "its clip of " + clipFrames + " frames cannot be made; put the built-in tasks on the path");
      }
      lead = 1;
      // a warning, not info: the caller asked for ART-V-style clips and gets another method (never fall back silently)
      LOG.warn(
          "model '{}' takes no conditioning frames (its first stage declares no known_frames/known_mask inputs): the {} frames "
              + "are made clip after clip with the video-prediction task, the last frame of each clip as the next clip's first "
              + "frame (anchor, reference noise and blending do not apply)",
          model.name(), frames);
    }
    int fresh = clipFrames - lead;
    return new ClipPlan(takes, lead, 1 + (frames - clipFrames + fresh - 1) / fresh);
  }

  /**
   * A video longer than the clip, clip after clip (see {@link LongVideo}): conditioned on the anchor
   * and the last frames when the model takes conditioning frames, otherwise through the predict task.
   */
  private final class LongVideoRun {
    private final ClipPlan plan;
    private final List<Cascade.Item> firstItems;
    private final Cascade.Settings settings;
    private final float fps;
    private final int frames;
    private final TaskInput input;
    private final Conditioning uncond;

    LongVideoRun(List<Cascade.Item> items, Cascade.Settings settings, float fps, int frames, ClipPlan plan, TaskInput input, Conditioning uncond) {
      this.plan = plan;
      this.firstItems = items;
      this.settings = settings;
      this.fps = fps;
      this.frames = frames;
      this.input = input;
      this.uncond = uncond;
    }

    List<List<Video>> run() {
      List<StageSpec> stages = model.stages();
      StageSpec last = model.finalStage();
      int clipFrames = last.frames();
      LongVideo lv = request.longVideo();
      boolean takes = plan.takesKnownFrames();
      TaskInstruction predict = tasks.get("predict");
      int lead = plan.lead();
      int fresh = clipFrames - lead;
      int clips = plan.clips();
      int n = firstItems.size();
      LOG.info("long video: {} frames in {} clips of {} ({} new per clip after the first), {} video(s)", frames, clips, clipFrames, fresh, n);

      List<List<Video>> clip0 = Cascade.run(stages, denoisers, firstItems, settings, new Observer(0, clips, fps), cancellation);
      // per item, per stage: the frames so far, each [C, H, W]
      List<List<List<float[]>>> whole = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<List<float[]>> perStage = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
          perStage.add(new ArrayList<>(framesOf(clip0.get(i).get(s))));
        }
        whole.add(perStage);
      }
      int fin = stages.size() - 1;
      for (int c = 1; c < clips; c++) {
        cancellation.check("before clip " + (c + 1) + " of " + clips);
        List<Cascade.Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          Cascade.Item first = firstItems.get(i);
          long seed = clipSeed(first.seed(), c);
          List<float[]> so = whole.get(i).get(fin);
          if (takes) {
            KnownFrames kn = KnownFrames.none(last.channels(), clipFrames);
            NoiseSource aug = NoiseSource.of(seed, 1_000_003L);
            int slot = 0;
            if (lv.anchor()) {
              kn = kn.with(slot++, augmented(so.get(0), last, lv.referenceNoise(), aug));
            }
            for (int j = 0; j < lv.referenceFrames(); j++) {
              kn = kn.with(slot++, augmented(so.get(so.size() - lv.referenceFrames() + j), last, lv.referenceNoise(), aug));
            }
            items.add(new Cascade.Item(seed, first.cond(), first.uncond(), kn, null));
          } else {
            ImageRef lastFrame = new ImageRef.OfPixels(last.width(), last.height(), argb(so.get(so.size() - 1), last));
            TaskInput next = new TaskInput(List.of(PromptSegment.text(input.text())), lastFrame);
            predict.validate(next);
            Conditioning cond = encoder.encode(predict.assemble(next, List.of()));
            items.add(new Cascade.Item(seed, cond, uncond, KnownFrames.none(last.channels(), clipFrames), null));
          }
        }
        List<List<Video>> clip = Cascade.run(stages, denoisers, items, settings, new Observer(c, clips, fps), cancellation);
        for (int i = 0; i < n; i++) {
          for (int s = 0; s < stages.size(); s++) {
            List<float[]> so = whole.get(i).get(s);
            List<float[]> cf = framesOf(clip.get(i).get(s));
            int ts = cf.size();
            if (s == fin && takes && lv.blendFrames() > 0) {
              int b = lv.blendFrames();
              for (int q = 0; q < b; q++) {
                float[] old = so.get(so.size() - b + q);
                float[] now = cf.get(lead - b + q);
                double w = (q + 1.0) / (b + 1.0);
                float[] mixed = new float[old.length];
                for (int j = 0; j < old.length; j++) {
                  mixed[j] = (float) ((1 - w) * old[j] + w * now[j]);
                }
                so.set(so.size() - b + q, mixed);
              }
            }
            for (int j = 0; j < ts; j++) {
              // a stage frame is new when its centre lies at or after the first new slot of the final clip
              double pos = (j + 0.5) * clipFrames / ts - 0.5;
              if (pos >= lead - 0.5) {
                so.add(cf.get(j));
              }
            }
          }
        }
      }
      List<List<Video>> out = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Video> perStage = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
          StageSpec st = stages.get(s);
          int keep = s == fin ? frames : (int) Math.max(1, Math.round((double) frames * st.frames() / clipFrames));
          List<float[]> so = whole.get(i).get(s);
          perStage.add(video(so.subList(0, Math.min(keep, so.size())), st, fps));
        }
        out.add(perStage);
      }
      return out;
    }

    private Tensor augmented(float[] frame, StageSpec st, double sigma, NoiseSource noise) {
      float[] v = frame.clone();
      if (sigma > 0) {
        for (int j = 0; j < v.length; j++) {
          v[j] = (float) (v[j] + sigma * noise.nextGaussian());
        }
      }
      return Tensor.of(v, st.channels(), st.height(), st.width());
    }
  }

  /** The seed of clip {@code c} of a long video: clip 0 keeps the video's seed. */
  static long clipSeed(long seed, int clip) {
    return clip == 0 ? seed : seed + 0x9E3779B97F4A7C15L * clip;
  }

  private static List<float[]> framesOf(Video v) {
    int t = v.frameCount();
    int plane = v.height() * v.width();
    int c = v.frames().dim(0);
    float[] all = v.frames().toArray();
    List<float[]> out = new ArrayList<>(t);
    for (int f = 0; f < t; f++) {
      float[] fr = new float[c * plane];
      for (int ch = 0; ch < c; ch++) {
        System.arraycopy(all, (ch * t + f) * plane, fr, ch * plane, plane);
      }
      out.add(fr);
    }
    return out;
  }

  private static Video video(List<float[]> frames, StageSpec st, float fps) {
    int t = frames.size();
    int plane = st.height() * st.width();
    int c = st.channels();
    float[] all = new float[c * t * plane];
    for (int f = 0; f < t; f++) {
      for (int ch = 0; ch < c; ch++) {
        System.arraycopy(frames.get(f), ch * plane, all, (ch * t + f) * plane, plane);
      }
    }
    return new Video(Tensor.of(all, c, t, st.height(), st.width()), fps);
  }

  private static int[] argb(float[] frame, StageSpec st) {
    int plane = st.height() * st.width();
    int[] out = new int[plane];
    for (int i = 0; i < plane; i++) {
      out[i] = 0xFF000000 | (Video.toByte(frame[i]) << 16) | (Video.toByte(frame[plane + i]) << 8) | Video.toByte(frame[2 * plane + i]);
    }
    return out;
  }
}
