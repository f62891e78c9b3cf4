package dev.vimi.cli;

import dev.vimi.api.Cancellation;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Progress;
import dev.vimi.api.SamplerKind;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
      "  vimi generate --task predict --first-frame f.png \"the ball rolls to the right\""
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

  @Option(names = "--frames", description = "Frames (must match the model). Default: the model's.")
  Integer frames;

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

  @Override
  public Integer call() throws Exception {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
    long start = System.nanoTime();

    // 1. everything cheap first: output targets, images, model bundle, options
    if (scale < 1 || scale > 64) {
      throw new InvalidInputException("scale", "--scale must be in [1, 64] but is " + scale);
    }
    VideoWriterProvider writer = OutputFiles.checkVideo("--out", out, force);
    if (contactSheet != null) {
      try {
        ContactSheet.checkTarget(contactSheet);
      } catch (InvalidInputException e) {
        throw new InvalidInputException("--contact-sheet", OutputFiles.detail(e), e);
      }
      OutputFiles.checkReplace("--contact-sheet", contactSheet, force, OutputFiles.Kind.PNG);
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
    VimiPipeline.Builder pb = VimiPipeline.builder().model(spec).denoiser(backend, Map.of("device", device));
    if (maxImagePixels != ImageRef.DEFAULT_MAX_PIXELS) {
      // the encoder decodes the retrieved images with the same limit (its key of the same meaning)
      pb.encoder(null, Map.of("max_image_pixels", Long.toString(maxImagePixels)));
    }
    boolean retrieve = !noRetrieval && task.equals("t2v");
    if (!retrieve) {
      pb.noRetriever();
    } else if (memory.vespa()) {
      pb.retriever("vespa", VespaMemory.config(memory.endpoint).asMap());
    } else {
      Map<String, String> m = new HashMap<>();
      m.put(LuceneMemoryConfig.INDEX_DIR, memory.resolve(err, mode).toString());
      m.put(LuceneMemoryConfig.K1, Double.toString(memory.k1));
      m.put(LuceneMemoryConfig.B, Double.toString(memory.b));
      pb.retriever("lucene", m);
    }

    GenerationResult result;
    try (VimiPipeline pipeline = pb.build()) {
      StageProgress bars = new StageProgress(err, mode);
      try {
        result = pipeline.generate(request, bars, new Cancellation());
      } finally {
        bars.close();
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
    writer.create(ProviderConfig.empty("writer " + writer.name())).write(result.video(), out, scale);
    if (contactSheet != null) {
      ContactSheet.write(result.video(), contactSheet, ContactSheet.defaultColumns(result.video().frameCount()), scale);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    var v = result.video();
    o.printf(
        Locale.ROOT,
        "wrote %s (%d frames, %dx%d at %.0f fps, x%d) in %.1f s%s%n",
        out, v.frameCount(), v.width(), v.height(), v.fps(), scale, seconds,
        contactSheet == null ? "" : "; contact sheet " + contactSheet);
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

    StageProgress(PrintWriter err, ProgressBar.Mode mode) {
      this.err = err;
      this.mode = mode;
    }

    @Override
    public void onProgress(Progress p) {
      if (p.phase() != Progress.Phase.SAMPLING) {
        return;
      }
      if (!p.stage().equals(stage)) {
        close();
        stage = p.stage();
        bar = new ProgressBar(err, mode, "stage " + (p.stageIndex() + 1) + "/" + p.stageCount() + " " + p.stage(), "steps");
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
