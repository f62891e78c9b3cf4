package dev.vimi.api;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * One video to generate. Immutable and validated on creation: every field that is out of range fails
 * with an {@link InvalidInputException} naming the field and the allowed range. Checks that need the
 * model (does it take this size?) happen in {@link VimiPipeline#generate} before any network runs.
 *
 * <p>Build with {@link #builder()}; unset optional fields take the model's defaults.
 *
 * @param task the task name ({@code "t2v"}, {@code "subject"}, {@code "predict"}, or a plugin's), or
 *     null for the pipeline's default task
 * @param prompt the prompt: text with images interleaved where they stand
 * @param firstFrame the first frame for video prediction, or null
 * @param frames frames to generate, or empty for the model's clip length; more than the clip length
 *     makes a long video clip after clip (see {@link LongVideo})
 * @param fps frames per second, or empty for the model's
 * @param width width, or empty for the model's
 * @param height height, or empty for the model's
 * @param seed the seed of the initial noise
 * @param guidance the guidance, or null for the model's default
 * @param steps sampler steps per stage, or empty for the model's defaults; one value applies to every
 *     stage, otherwise one per stage
 * @param sampler Heun (default) or Euler
 * @param churn stochastic churn, {@link Churn#NONE} by default
 * @param retrievalK how many image-text pairs to retrieve for tasks that retrieve, or empty for the
 *     pipeline's default (2); 0 turns retrieval off
 * @param negativePrompt text the video should stay away from, or null: the unconditional branch of
 *     classifier-free guidance is conditioned on it ({@code D = D_neg + w (D_cond - D_neg)}), encoded
 *     as the task's instruction followed by this text; without it the branch gets the empty
 *     conditioning. It takes effect only where the guidance scale is not 1.
 * @param count videos to generate (1 to {@link #MAX_COUNT}); they share retrieval and encoding and
 *     are batched through the denoiser together with the guidance branches
 * @param seeds one seed per video, or empty to use {@code seed, seed + 1, ..., seed + count - 1};
 *     video i is the video a request of count 1 with seed {@code seedOf(i)} gives
 * @param initialNoise standard-normal initial noise per stage index (the sampler scales it by the
 *     stage's sigma_max), {@code [C, T, H, W]} of the stage, or {@code [count, C, T, H, W]}; stages
 *     not listed draw theirs from the seed. For a long video it applies to the first clip.
 * @param conditioningFrames known frames of the video, sorted by index (see {@link
 *     ConditioningFrame}); only models that take conditioning frames accept them
 * @param longVideo how frames beyond the model's clip length are made ({@link LongVideo#DEFAULT})
 */
public record GenerationRequest(
    String task,
    List<PromptSegment> prompt,
    ImageRef firstFrame,
    OptionalInt frames,
    OptionalDouble fps,
    OptionalInt width,
    OptionalInt height,
    long seed,
    Guidance guidance,
    int[] steps,
    SamplerKind sampler,
    Churn churn,
    OptionalInt retrievalK,
    String negativePrompt,
    int count,
    long[] seeds,
    Map<Integer, Tensor> initialNoise,
    List<ConditioningFrame> conditioningFrames,
    LongVideo longVideo) {

  /** Most videos per request. */
  public static final int MAX_COUNT = 64;

  /** Most characters of prompt text accepted. */
  public static final int MAX_PROMPT_CHARS = 100_000;
  /** Most images in one prompt. */
  public static final int MAX_IMAGES = 64;

  public GenerationRequest {
    if (task != null && task.isBlank()) {
      throw new InvalidInputException("task", "the task name is empty; use t2v, subject or predict");
    }
    prompt = List.copyOf(Objects.requireNonNull(prompt, "prompt"));
    frames = Objects.requireNonNullElse(frames, OptionalInt.empty());
    fps = Objects.requireNonNullElse(fps, OptionalDouble.empty());
    width = Objects.requireNonNullElse(width, OptionalInt.empty());
    height = Objects.requireNonNullElse(height, OptionalInt.empty());
    steps = steps == null ? new int[0] : steps.clone();
    sampler = Objects.requireNonNullElse(sampler, SamplerKind.HEUN);
    churn = Objects.requireNonNullElse(churn, Churn.NONE);
    retrievalK = Objects.requireNonNullElse(retrievalK, OptionalInt.empty());
    seeds = seeds == null ? new long[0] : seeds.clone();
    initialNoise = Map.copyOf(new TreeMap<>(Objects.requireNonNullElse(initialNoise, Map.of())));
    conditioningFrames =
        Objects.requireNonNullElse(conditioningFrames, List.<ConditioningFrame>of()).stream()
            .sorted(Comparator.comparingInt(ConditioningFrame::index))
            .toList();
    longVideo = Objects.requireNonNullElse(longVideo, LongVideo.DEFAULT);

    int chars = 0;
    int images = 0;
    boolean content = false;
    for (PromptSegment s : prompt) {
      if (s instanceof PromptSegment.Text t) {
        chars += t.text().length();
        content |= !t.text().isBlank();
      } else {
        images++;
        content = true;
      }
    }
    if (!content) {
      throw new InvalidInputException("prompt", "the prompt is empty; give some text (and images for the subject task)");
    }
    if (chars > MAX_PROMPT_CHARS) {
      throw new InvalidInputException("prompt", "the prompt has " + chars + " characters; at most " + MAX_PROMPT_CHARS + " are accepted");
    }
    if (images > MAX_IMAGES) {
      throw new InvalidInputException("images", "the prompt has " + images + " images; at most " + MAX_IMAGES + " are accepted");
    }
    if (frames.isPresent()) {
      range("frames", frames.getAsInt(), 1, StageSpec.MAX_FRAMES);
    }
    if (width.isPresent()) {
      range("width", width.getAsInt(), 1, StageSpec.MAX_SIDE);
    }
    if (height.isPresent()) {
      range("height", height.getAsInt(), 1, StageSpec.MAX_SIDE);
    }
    if (fps.isPresent()) {
      double f = fps.getAsDouble();
      if (!(f > 0) || f > 240 || !Double.isFinite(f)) {
        throw new InvalidInputException("fps", "must be in (0, 240] but is " + f);
      }
    }
    for (int i = 0; i < steps.length; i++) {
      range(steps.length == 1 ? "steps" : "steps[" + i + "]", steps[i], 1, StageSpec.MAX_STEPS);
    }
    if (retrievalK.isPresent()) {
      range("retrieval_k", retrievalK.getAsInt(), 0, 64);
    }
    if (negativePrompt != null && negativePrompt.length() > MAX_PROMPT_CHARS) {
      throw new InvalidInputException(
          "negative_prompt", "the negative prompt has " + negativePrompt.length() + " characters; at most " + MAX_PROMPT_CHARS + " are accepted");
    }
    range("count", count, 1, MAX_COUNT);
    if (seeds.length > 0 && seeds.length != count) {
      throw new InvalidInputException(
          "seeds", seeds.length + " seeds were given for " + count + " videos; give one seed per video, or none to use seed, seed + 1, ...");
    }
    for (Map.Entry<Integer, Tensor> e : initialNoise.entrySet()) {
      Tensor t = Objects.requireNonNull(e.getValue(), "initialNoise[" + e.getKey() + "]");
      if (e.getKey() < 0) {
        throw new InvalidInputException("initial_noise", "stage index must be 0 or more but is " + e.getKey());
      }
      int bad = t.firstNonFinite();
      if (bad >= 0) {
        throw new InvalidInputException(
            "initial_noise[" + e.getKey() + "]", "the noise holds a non-finite value at flat index " + bad);
      }
    }
    Set<Integer> indices = new HashSet<>();
    for (ConditioningFrame f : conditioningFrames) {
      if (!indices.add(f.index())) {
        throw new InvalidInputException(
            "conditioning_frames", "frame " + f.index() + " is given twice; give each known frame once");
      }
    }
  }

  /** A request as it was before negative prompts, counts, noise, known frames and long videos. */
  public GenerationRequest(
      String task,
      List<PromptSegment> prompt,
      ImageRef firstFrame,
      OptionalInt frames,
      OptionalDouble fps,
      OptionalInt width,
      OptionalInt height,
      long seed,
      Guidance guidance,
      int[] steps,
      SamplerKind sampler,
      Churn churn,
      OptionalInt retrievalK) {
    this(task, prompt, firstFrame, frames, fps, width, height, seed, guidance, steps, sampler, churn, retrievalK,
        null, 1, null, null, null, null);
  }

  /** The seed of video {@code i}: {@code seeds[i]} if given, else {@code seed + i}. */
  public long seedOf(int i) {
    if (i < 0 || i >= count) {
      throw new InvalidInputException("count", "video " + i + " out of range [0, " + count + ")");
    }
    return seeds.length > 0 ? seeds[i] : seed + i;
  }

  @Override
  public long[] seeds() {
    return seeds.clone();
  }

  /** The request as a task sees it. */
  public TaskInput taskInput() {
    return new TaskInput(prompt, firstFrame);
  }

  @Override
  public int[] steps() {
    return steps.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationRequest r
        && Objects.equals(task, r.task)
        && prompt.equals(r.prompt)
        && Objects.equals(firstFrame, r.firstFrame)
        && frames.equals(r.frames)
        && fps.equals(r.fps)
        && width.equals(r.width)
        && height.equals(r.height)
        && seed == r.seed
        && Objects.equals(guidance, r.guidance)
        && Arrays.equals(steps, r.steps)
        && sampler == r.sampler
        && churn.equals(r.churn)
        && retrievalK.equals(r.retrievalK)
        && Objects.equals(negativePrompt, r.negativePrompt)
        && count == r.count
        && Arrays.equals(seeds, r.seeds)
        && initialNoise.equals(r.initialNoise)
        && conditioningFrames.equals(r.conditioningFrames)
        && longVideo.equals(r.longVideo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(task, prompt, seed, Arrays.hashCode(steps));
  }

  @Override
  public String toString() {
    return "GenerationRequest[task=" + task + ", prompt=" + new dev.vimi.spi.MultimodalPrompt(prompt).toPlaceholderText()
        + ", seed=" + seed + ", steps=" + Arrays.toString(steps)
        + (negativePrompt == null ? "" : ", negative=" + negativePrompt)
        + (count == 1 ? "" : ", count=" + count)
        + (conditioningFrames.isEmpty() ? "" : ", known frames=" + conditioningFrames.stream().map(ConditioningFrame::index).toList())
        + "]";
  }

  private static void range(String field, int v, int min, int max) {
    if (v < min || v > max) {
      throw new InvalidInputException(field, "must be in [" + min + ", " + max + "] but is " + v);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds requests. Not thread-safe. */
  public static final class Builder {
    private String task;
    private List<PromptSegment> prompt = List.of();
    private ImageRef firstFrame;
    private OptionalInt frames = OptionalInt.empty();
    private OptionalDouble fps = OptionalDouble.empty();
    private OptionalInt width = OptionalInt.empty();
    private OptionalInt height = OptionalInt.empty();
    private long seed;
    private Guidance guidance;
    private int[] steps = new int[0];
    private SamplerKind sampler = SamplerKind.HEUN;
    private Churn churn = Churn.NONE;
    private OptionalInt retrievalK = OptionalInt.empty();
    private String negativePrompt;
    private int count = 1;
    private long[] seeds = new long[0];
    private final Map<Integer, Tensor> initialNoise = new TreeMap<>();
    private final List<ConditioningFrame> conditioningFrames = new ArrayList<>();
    private LongVideo longVideo = LongVideo.DEFAULT;

    private Builder() {}

    public Builder task(String task) {
      this.task = task;
      return this;
    }

    /**
     * The prompt as text with {@code <image>} placeholders, one per image, in order: {@code
     * prompt("A <image> moves left", sprite)}.
     *
     * @throws InvalidInputException if the number of placeholders differs from the number of images
     */
    public Builder prompt(String text, ImageRef... images) {
      Objects.requireNonNull(text, "text");
      String[] parts = text.split(java.util.regex.Pattern.quote(PromptSegment.IMAGE_PLACEHOLDER), -1);
      int placeholders = parts.length - 1;
      if (placeholders != images.length) {
        throw new InvalidInputException(
            "images",
            "the prompt has " + placeholders + " " + PromptSegment.IMAGE_PLACEHOLDER + " placeholder(s) but "
                + images.length + " image(s) were given; give one image per placeholder");
      }
      List<PromptSegment> segs = new ArrayList<>();
      for (int i = 0; i < parts.length; i++) {
        if (!parts[i].isBlank()) {
          segs.add(PromptSegment.text(parts[i].strip()));
        }
        if (i < images.length) {
          segs.add(PromptSegment.image(Objects.requireNonNull(images[i], "images[" + i + "]")));
        }
      }
      this.prompt = segs;
      return this;
    }

    /** The prompt as ready-made segments. */
    public Builder segments(List<PromptSegment> segments) {
      this.prompt = List.copyOf(segments);
      return this;
    }

    public Builder firstFrame(ImageRef frame) {
      this.firstFrame = frame;
      return this;
    }

    public Builder frames(int frames) {
      this.frames = OptionalInt.of(frames);
      return this;
    }

    public Builder fps(double fps) {
      this.fps = OptionalDouble.of(fps);
      return this;
    }

    public Builder size(int width, int height) {
      this.width = OptionalInt.of(width);
      this.height = OptionalInt.of(height);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder guidance(Guidance guidance) {
      this.guidance = guidance;
      return this;
    }

    public Builder guidance(double scale) {
      this.guidance = Guidance.constant(scale);
      return this;
    }

    /** Steps for every stage (one value) or per stage. */
    public Builder steps(int... steps) {
      this.steps = steps.clone();
      return this;
    }

    public Builder sampler(SamplerKind sampler) {
      this.sampler = sampler;
      return this;
    }

    public Builder churn(Churn churn) {
      this.churn = churn;
      return this;
    }

    public Builder retrievalK(int k) {
      this.retrievalK = OptionalInt.of(k);
      return this;
    }

    /** Text the video should stay away from (null for none); see {@link GenerationRequest#negativePrompt()}. */
    public Builder negativePrompt(String text) {
      this.negativePrompt = text == null || text.isBlank() ? null : text.strip();
      return this;
    }

    /** Generates {@code n} videos with seeds {@code seed, seed + 1, ...} (unless {@link #seeds} says otherwise). */
    public Builder count(int n) {
      this.count = n;
      return this;
    }

    /** One seed per video; sets the count to the number of seeds and the seed to the first. */
    public Builder seeds(long... seeds) {
      if (seeds.length == 0) {
        throw new InvalidInputException("seeds", "give at least one seed");
      }
      this.seeds = seeds.clone();
      this.count = seeds.length;
      this.seed = seeds[0];
      return this;
    }

    /** The initial noise of stage {@code stage} (standard normal; see {@link GenerationRequest#initialNoise()}). */
    public Builder initialNoise(int stage, Tensor noise) {
      this.initialNoise.put(stage, Objects.requireNonNull(noise, "noise"));
      return this;
    }

    /** A known frame; repeat for several. */
    public Builder conditioningFrame(ConditioningFrame frame) {
      this.conditioningFrames.add(Objects.requireNonNull(frame, "frame"));
      return this;
    }

    /** A known frame from decoded pixels ({@link ImageRef.OfPixels}). */
    public Builder conditioningFrame(int index, ImageRef image) {
      return conditioningFrame(ConditioningFrame.of(index, image));
    }

    /** How a video beyond the model's clip length is made. */
    public Builder longVideo(LongVideo options) {
      this.longVideo = Objects.requireNonNull(options, "options");
      return this;
    }

    public GenerationRequest build() {
      return new GenerationRequest(
          task, prompt, firstFrame, frames, fps, width, height, seed, guidance, steps, sampler, churn, retrievalK,
          negativePrompt, count, seeds, initialNoise, conditioningFrames, longVideo);
    }
  }
}
