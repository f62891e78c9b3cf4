package dev.vimi.cli;

import dev.vimi.api.Cancellation;
import dev.vimi.api.ConditioningFrame;
import dev.vimi.api.GenerationCancelledException;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.LongVideo;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Plugins;
import dev.vimi.api.Progress;
import dev.vimi.api.SamplerKind;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.ContactSheet;
import dev.vimi.image.ImageLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vimi generate}: the main job. Text-to-video by default, on the embedded emoji memory and the
 * ViMi-tiny bundle; every part can be swapped by an option. Everything that can be checked before the
 * slow part (images, output targets, model, device) is checked first, so a bad argument costs no
 * generation and leaves no partial file.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generate a video from a multimodal prompt (ViMi).",
      "  vimi generate \"a dog surfing\"",
      "  vimi generate --task subject --image cat.png \"A <image> moves left on a red background\"",
      "  vimi generate --task predict --first-frame f.png \"the ball rolls to the right\"",
      "  vimi generate --count 2 --negative \"red\" --frames 32 \"a dog moves right on a blue background\""
    })
public final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "The prompt; for --task subject, <image> marks where each --image stands.")
  String prompt;

  @Option(names = "--task", defaultValue = "t2v", description = "t2v (default), subject or predict.")
  String task;

  @Option(names = "--image", paramLabel = "FILE", description = "An image for a <image> placeholder (repeatable, in order).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--first-frame", paramLabel = "FILE", description = "The first frame, for --task predict.")
  Path firstFrame;

  @Option(names = "--steps", paramLabel = "N[,N]", split = ",", description = "Sampler steps: one value for every stage, or one per stage. Default: the model's.")
  int[] steps;

  @Option(names = "--guidance", paramLabel = "W", description = "Classifier-free guidance scale. Default: the model's.")
  Double guidance;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of the initial noise (default ${DEFAULT-VALUE}); the same seed gives the same video.")
  long seed;

  @Option(names = "--frames", description = "Frames. Default: the model's clip; more makes a long video clip after clip (ART-V).")
  Integer frames;

  @Option(names = "--negative", paramLabel = "TEXT", description = "Negative prompt: what guidance steers away from.")
  String negative;

  @Option(names = "--count", defaultValue = "1", description = "Videos to generate, seeds SEED, SEED+1, ...: name-1.mp4, ... and a contact sheet of all (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--known-frame", paramLabel = "INDEX=FILE", description = "A known frame (repeatable), for models that take conditioning frames: 0=first.png, 15=last.png.")
  List<String> knownFrames = new ArrayList<>();

  @Option(names = "--reference-frames", paramLabel = "N", description = "Long videos: last frames that condition the next clip (default 2).")
  Integer referenceFrames;

  @Option(names = "--no-anchor", description = "Long videos: do not condition later clips on the first frame.")
  boolean noAnchor;

  @Option(names = "--reference-noise", paramLabel = "SIGMA", description = "Long videos: noise added to reference frames (ART-V's t_test; 0.572 is its t_test=200). Default 0.")
  Double referenceNoise;

  @Option(names = "--blend", paramLabel = "N", description = "Long videos: reference frames cross-faded at each join (default 0).")
  Integer blend;

  @Option(names = "--preview-every", paramLabel = "N", defaultValue = "0", description = "Keep the denoised estimate every N steps; on Ctrl-C its frames are written to NAME-preview.png. Default: off.")
  int previewEvery;

  @Option(names = "--preview", paramLabel = "FILE.png", description = "With --preview-every: also write each preview to this PNG while generating.")
  Path preview;

  @Option(names = "--fps", description = "Frames per second. Default: the model's.")
  Double fps;

  @Option(names = "--sampler", defaultValue = "heun", description = "heun (default) or euler.")
  String sampler;

  @Option(names = "--backend", defaultValue = "onnx", description = "Denoiser backend: onnx (default) or pytorch.")
  String backend;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu (default) or cuda:N.")
  String device;

  @Option(names = "--max-image-pixels", paramLabel = "N", description = "Largest --image or --first-frame, in pixels (default ${DEFAULT-VALUE}); larger ones are refused before decoding.",
      defaultValue = "" + ImageRef.DEFAULT_MAX_PIXELS)
  long maxImagePixels;

  @Option(names = "--model", paramLabel = "DIR", description = "A model bundle folder. Default: ViMi-tiny (models/vimi-tiny/bundle).")
  Path model;

  @Mixin MemoryOptions memory;

  @Option(names = "--no-retrieval", description = "Do not retrieve image-text pairs (the paper's ablation).")
  boolean noRetrieval;

  @Option(names = "-k", paramLabel = "K", description = "Image-text pairs to retrieve. Default: the pipeline's (2).")
  Integer k;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", defaultValue = "vimi.mp4", description = "Output: .mp4, .gif, or a folder name for PNG frames (default ${DEFAULT-VALUE}). An existing one is replaced only with --force.")
  Path out;

  @Option(names = "--force", description = "Replace an existing --out or --contact-sheet of the same kind (vimi never replaces other files).")
  boolean force;

  @Option(names = "--scale", defaultValue = "4", description = "Integer upscale of the written video, for viewing tiny videos (default ${DEFAULT-VALUE}).")
  int scale;

  @Option(names = "--contact-sheet", paramLabel = "FILE.png", description = "Also write the frames in a grid to this PNG.")
  Path contactSheet;

  @Option(names = "--show-retrieved", description = "Print the image-text pairs BM25 retrieved.")
  boolean showRetrieved;

  @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none.")
  String progress;

  /** The repository (or installation) root; the launcher sets it. */
  static Path home() {
    return Path.of(System.getProperty("vimi.home", "."));
  }

  /** Fields of the request (and its long-video settings) that this command sets from a flag. */
  private static final Map<String, String> FLAGS =
      Map.of(
          "long_video.reference_frames", "--reference-frames",
          "long_video.reference_noise", "--reference-noise",
          "long_video.blend_frames", "--blend",
          "conditioning_frames", "--known-frame",
          "negative_prompt", "--negative",
          "frames", "--frames",
          "count", "--count");

  @Override
  public Integer call() throws Exception {
    try {
      return generate();
    } catch (InvalidInputException e) {
      throw inFlagTerms(e);
    }
  }

  /** An error about a request field this command sets from a flag, restated with the flag's name. */
  static InvalidInputException inFlagTerms(InvalidInputException e) {
    String field = e.field();
    String key = field.indexOf('[') > 0 ? field.substring(0, field.indexOf('[')) : field;
    String flag = FLAGS.get(key);
    if (flag == null) {
      return e;
    }
    String message = e.getMessage().substring(field.length() + 2).replace("reference_frames", "--reference-frames");
    return new InvalidInputException(flag, message, e);
  }

  private int generate() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    long start = System.nanoTime();

    // 1. everything cheap first: output targets, images, model bundle, options
    if (scale < 1 || scale > 64) {
      throw new InvalidInputException("scale", "--scale must be in [1, 64] but is " + scale);
    }
    if (count < 1 || count > GenerationRequest.MAX_COUNT) {
      throw new InvalidInputException("--count", "--count must be in [1, " + GenerationRequest.MAX_COUNT + "] but is " + count);
    }
    VideoWriterProvider writer = OutputFiles.checkVideo("--out", out, force);
    List<Path> outs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path target = count == 1 ? out : GenerationOutputs.numbered(out, i);
      if (count > 1) {
        OutputFiles.checkVideo("--out", target, force);
      }
      outs.add(target);
    }
    Path sheet = contactSheet != null ? contactSheet : count > 1 ? GenerationOutputs.sibling(out, "sheet") : null;
    if (sheet != null) {
      try {
        ContactSheet.checkTarget(sheet);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--contact-sheet", OutputFiles.detail(e), e);
      }
      OutputFiles.checkReplace("--contact-sheet", sheet, force, OutputFiles.Kind.PNG);
    }
    if (preview != null) {
      if (previewEvery < 1) {
        throw new InvalidInputException("--preview", "--preview needs --preview-every N (steps between previews)");
      }
      try {
        ContactSheet.checkTarget(preview);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--preview", OutputFiles.detail(e), e);
      }
    }
    if (maxImagePixels < 1) {
      throw new InvalidInputException("--max-image-pixels", "must be at least 1 but is " + maxImagePixels);
    }
    ImageLoader loader = ImageLoader.withMaxPixels(maxImagePixels);
    ImageRef[] imageRefs = new ImageRef[images.size()];
    for (int i = 0; i < images.size(); i++) {
      imageRefs[i] = loadImage(loader, images.get(i), "--image");
    }
    ImageRef first = firstFrame == null ? null : loadImage(loader, firstFrame, "--first-frame");
    GenerationRequest.Builder rb = GenerationRequest.builder().task(task).prompt(prompt, imageRefs).seed(seed).sampler(SamplerKind.parse(sampler));
    if (first != null) {
      rb.firstFrame(first);
    }
    if (steps != null) {
      rb.steps(steps);
    }
    if (guidance != null) {
      rb.guidance(Guidance.constant(guidance));
    }
    if (frames != null) {
      rb.frames(frames);
    }
    if (fps != null) {
      rb.fps(fps);
    }
    if (k != null) {
      rb.retrievalK(k);
    }
    rb.negativePrompt(negative).count(count);
    for (String kf : knownFrames) {
      int eq = kf.indexOf('=');
      int index;
      try {
        index = Integer.parseInt(kf.substring(0, Math.max(eq, 0)).trim());
      } catch (NumberFormatException e) {
        throw new InvalidInputException("known-frame", "--known-frame takes INDEX=FILE (e.g. 0=first.png) but got '" + kf + "'");
      }
      rb.conditioningFrame(ConditioningFrame.of(index, loadImage(loader, Path.of(kf.substring(eq + 1)), "--known-frame")));
    }
    LongVideo lv = LongVideo.DEFAULT;
    if (referenceFrames != null) {
      lv = lv.withReferenceFrames(referenceFrames);
    }
    if (noAnchor) {
      lv = lv.withAnchor(false);
    }
    if (referenceNoise != null) {
      lv = lv.withReferenceNoise(referenceNoise);
    }
    if (blend != null) {
      lv = lv.withBlendFrames(blend);
    }
    rb.longVideo(lv);
    GenerationRequest request = rb.build();
    Path modelDir = model != null ? model : home().resolve("models/vimi-tiny/bundle");
    if (!Files.isDirectory(modelDir)) {
      throw new ConfigurationException(
          model != null
              ? "--model " + modelDir + " is not a folder"
              : "the default model ViMi-tiny is not in this checkout (" + modelDir + "); pass --model DIR with a vimi model bundle");
    }
    ModelSpec spec = ModelBundle.load(modelDir).spec();

    // 2. the pipeline: backend, encoder, retriever
    // cpu is every backend's default; a backend without devices (an oracle) refuses the key it does not read
    VimiPipeline.Builder pb =
        VimiPipeline.builder().model(spec).denoiser(backend, device.equals("cpu") ? Map.of() : Map.of("device", device));
    if (maxImagePixels != ImageRef.DEFAULT_MAX_PIXELS) {
      // the encoder decodes the retrieved images with the same limit (its key of the same meaning)
      pb.encoder(null, Map.of("max_image_pixels", Long.toString(maxImagePixels)));
    }
    // the task decides whether it retrieves (the pipeline follows the same rule); the memory is
    // prepared, and the embedded one built, only when it will be searched
    boolean retrieve = !noRetrieval && Plugins.discover().taskRetrieves(task);
    if (!retrieve) {
      pb.noRetriever();
    } else {
      pb.retriever(memory.providerName(), memory.searchConfig(err, mode));
    }

    GenerationResult result;
    GenerationOutputs.Previews previews = new GenerationOutputs.Previews(preview, scale);
    // Ctrl-C cancels the sampler at its next step; the main thread then writes the last preview
    Cancellation cancellation = new Cancellation();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      cancellation.cancel();
      try {
        finished.await(2, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "vimi-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      try (VimiPipeline pipeline = pb.build()) {
        StageProgress bars = new StageProgress(err, mode);
        try {
          result = pipeline.generate(request, previews.listener(previewEvery, bars), cancellation);
        } finally {
          bars.close();
        }
      } catch (GenerationCancelledException e) {
        Path target = GenerationOutputs.sibling(out, "preview");
        if (previews.writeLast(target)) {
          var p = previews.last();
          err.printf(Locale.ROOT, "cancelled; wrote the preview of step %d/%d of stage '%s' (clip %d) to %s%n",
              p.step(), p.totalSteps(), p.stage(), p.clip() + 1, target);
        } else {
          err.println("cancelled" + (previewEvery > 0 ? " before the first preview" : " (--preview-every N keeps previews to write on cancel)"));
        }
        err.flush();
        return 130;
      }
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting (Ctrl-C): the hook runs and is gone
      }
    }

    // 3. write
    if (showRetrieved) {
      if (result.retrieved().isEmpty()) {
        o.println("retrieved: nothing (" + (retrieve ? "no match in the memory" : "retrieval off") + ")");
      }
      for (RetrievedItem r : result.retrieved()) {
        o.printf(Locale.ROOT, "retrieved: %-28s %7.3f  %s%n", r.id(), r.score(), r.caption());
      }
    }
    var videoWriter = writer.create(ProviderConfig.empty("writer " + writer.name()));
    for (int i = 0; i < count; i++) {
      videoWriter.write(result.videos().get(i).video(), outs.get(i), scale);
    }
    if (sheet != null) {
      GenerationOutputs.writeSheet(GenerationOutputs.videos(result.videos()), sheet, scale);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    var v = result.video();
    o.printf(
        Locale.ROOT,
        "wrote %s (%d frames, %dx%d at %.0f fps, x%d) in %.1f s%s%n",
        count == 1 ? out : outs.get(0) + " ... " + outs.get(count - 1) + " (seeds " + result.videos().get(0).seed() + ".."
            + result.videos().get(count - 1).seed() + ")",
        v.frameCount(), v.width(), v.height(), v.fps(), scale, seconds,
        sheet == null ? "" : "; contact sheet " + sheet);
    return 0;
  }

  private static ImageRef loadImage(ImageLoader loader, Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(option, file + " does not exist or is not a file");
    }
    try {
      return loader.readPixels(ImageRef.of(file));
    } catch (InvalidInputException e) {
      throw new InvalidInputException(option, OutputFiles.detail(e), e);
    }
  }

  /** One progress bar per cascade stage. */
  private static final class StageProgress implements dev.vimi.api.ProgressListener, AutoCloseable {
    private final PrintWriter err;
    private final ProgressBar.Mode mode;
    private ProgressBar bar;
    private String stage;
    private int clip = -1;

    StageProgress(PrintWriter err, ProgressBar.Mode mode) {
      this.err = err;
      this.mode = mode;
    }

    @Override
    public void onProgress(Progress p) {
      if (p.phase() != Progress.Phase.SAMPLING) {
        return;
      }
      if (!p.stage().equals(stage) || p.clip() != clip) {
        close();
        stage = p.stage();
        clip = p.clip();
        String clipLabel = p.clipCount() > 1 ? "clip " + (p.clip() + 1) + "/" + p.clipCount() + " " : "";
        bar = new ProgressBar(err, mode, clipLabel + "stage " + (p.stageIndex() + 1) + "/" + p.stageCount() + " " + p.stage(), "steps");
      }
      bar.update(p.totalSteps() == 0 ? 1 : (double) p.step() / p.totalSteps(), p.step());
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }

}
