package dev.vimi.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Video;
import dev.vimi.image.ImageLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vimi eval}: evaluations of a model. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate a model.",
    subcommands = {EvalCommand.Grounding.class, CommandLine.HelpCommand.class})
public final class EvalCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code vimi eval grounding}: generates the videos of an evaluation set (by default ViMi-tiny's,
   * models/vimi-tiny/eval/grounding.json: prompts the model was not trained on) and measures on each
   * video of the cascade's first stage at least {@value #MEASURED_WIDTH} pixels wide (the evaluation
   * set's 36x64; the base stage itself when it is that wide) whether the generated sprite is the prompt's subject (nearest among 10 candidates
   * by masked pixel distance), moves as asked (centroid and size track), stands on the asked
   * background colour, and for video prediction how close the first frame is (PSNR); held-out
   * subjects run with retrieval on and off (the paper's ablation in miniature).
   */
  @Command(
      name = "grounding",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Measure grounding: subject identity, motion, background, first-frame fidelity, consistency;",
        "held-out subjects with retrieval on and off.",
        "  vimi eval grounding --per-group 8"
      })
  public static final class Grounding implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "Model bundle. Default: ViMi-tiny (models/vimi-tiny/bundle).")
    Path model;

    @Option(names = "--set", paramLabel = "FILE", description = "Evaluation set. Default: models/vimi-tiny/eval/grounding.json.")
    Path set;

    @Option(names = "--per-group", defaultValue = "8", description = "Items per group (default ${DEFAULT-VALUE}; the set holds 16).")
    int perGroup;

    @Option(names = "--steps", paramLabel = "N[,N]", split = ",", description = "Sampler steps per stage. Default: the model's.")
    int[] steps;

    @Option(names = "--guidance", paramLabel = "W", description = "Guidance scale. Default: the model's.")
    Double guidance;

    @Option(names = "--seed", defaultValue = "1000", description = "Seed of the first item; item i uses seed + i (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--backend", defaultValue = "onnx", description = "Denoiser backend: onnx (default) or pytorch.")
    String backend;

    @Mixin MemoryOptions memory;

    @Option(names = "--report", paramLabel = "FILE.md", description = "Also write the table and every item's result as Markdown.")
    Path report;

    @Option(names = "--force", description = "Replace an existing --report written by an earlier run (vimi never replaces other files).")
    boolean force;

    @Option(names = "--progress", defaultValue = "auto", description = "auto, bar, lines or none.")
    String progress;

    @Option(
        names = "--oracle",
        paramLabel = "DIR",
        description = "Measure the true clips instead of generating: DIR/<item id>.f32 (float32 [3, T, H, W] in [-1, 1],"
            + " written by models/vimi-tiny/eval_set.py --oracle), to see what the measurements give on real videos.")
    Path oracle;

    /** One evaluation run: an item under one retrieval setting. */
    record Run(String arm, JsonNode item, boolean retrieval, int k) {
      Run(String arm, JsonNode item, boolean retrieval) {
        this(arm, item, retrieval, -1);
      }
    }

    @Option(
        names = "--ablation-k",
        paramLabel = "K[,K...]",
        split = ",",
        description = {
          "The retrieval ablation instead of the groups: every text-to-video item (seen and held-out subjects)",
          "once per K retrieved pairs, e.g. --ablation-k 0,1,2 (the paper's claim: retrieval helps)."
        })
    int[] ablationK;

    /** What one run measured. */
    record Outcome(
        Run run,
        boolean identity,
        String motion,
        String background,
        double psnr,
        double consistency,
        double frameDiff,
        boolean retrievedSubject,
        List<String> retrieved) {}

    @Override
    public Integer call() throws IOException {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ProgressBar.Mode mode = ProgressBar.Mode.parse(progress);
      if (perGroup < 1) {
        throw new InvalidInputException("per-group", "--per-group must be at least 1 but is " + perGroup);
      }
      if (report != null) {
        OutputFiles.checkFile("--report", report, force, OutputFiles.Kind.GROUNDING_REPORT);
      }
      Path home = GenerateCommand.home();
      Path setFile = set != null ? set : home.resolve("models/vimi-tiny/eval/grounding.json");
      if (!Files.isRegularFile(setFile)) {
        throw new ConfigurationException("evaluation set " + setFile + " does not exist; pass --set FILE");
      }
      JsonNode doc = new JsonMapper().readTree(setFile.toFile());
      Map<String, int[]> palette = new LinkedHashMap<>();
      doc.get("backgrounds").fields().forEachRemaining(e -> palette.put(e.getKey(), new int[] {
        e.getValue().get(0).asInt(), e.getValue().get(1).asInt(), e.getValue().get(2).asInt()}));
      ImageLoader loader = ImageLoader.withDefaultLimits();
      Map<String, GroundingMetrics.Sprite> sprites = new HashMap<>();
      doc.get("subject_images").fields().forEachRemaining(e -> sprites.put(e.getKey(),
          GroundingMetrics.Sprite.of(e.getKey(), loader.readPixels(ImageRef.of(home.resolve(e.getValue().asText()))))));

      List<Run> runs = new ArrayList<>();
      Map<String, Integer> taken = new HashMap<>();
      if (ablationK != null) {
        for (int k : ablationK) {
          if (k < 0 || k > 64) {
            throw new InvalidInputException("ablation-k", "--ablation-k takes counts in [0, 64] but got " + k);
          }
        }
      }
      for (JsonNode item : doc.get("items")) {
        String group = item.get("group").asText();
        if (taken.merge(group, 1, Integer::sum) > perGroup) {
          continue;
        }
        if (ablationK != null) {
          if (group.startsWith("t2v-")) {
            for (int k : ablationK) {
              runs.add(new Run(group + ", K=" + k, item, k > 0, k));
            }
          }
        } else if (group.equals("t2v-held")) {
          runs.add(new Run("t2v-held, retrieval on", item, true));
          runs.add(new Run("t2v-held, retrieval off", item, false));
        } else if (group.equals("t2v-seen")) {
          runs.add(new Run("t2v-seen, retrieval on", item, true));
        } else {
          runs.add(new Run(group, item, false));
        }
      }

      if (oracle != null) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Run run : runs) {
          Path f = oracle.resolve(run.item().get("id").asText() + ".f32");
          if (!Files.isRegularFile(f)) {
            throw new ConfigurationException("--oracle: " + f + " does not exist");
          }
          outcomes.add(measure(run, readVideo(f, doc.get("frames").asInt()), List.of(), palette, sprites, loader, home));
        }
        o.print(table(outcomes));
        o.printf(Locale.ROOT, "%d true clips measured (--oracle %s)%n", outcomes.size(), oracle);
        return 0;
      }
      Path modelDir = model != null ? model : home.resolve("models/vimi-tiny/bundle");
      ModelSpec full = ModelBundle.load(modelDir).spec();
      // the measurements read the first stage at the evaluation set's resolution; the stages above it are not run
      int measured = measuredStage(full);
      ModelSpec ms = new ModelSpec(full.name(), full.directory(), full.stages().subList(0, measured + 1), full.encoder());
      Map<String, String> memoryConfig = memory.searchConfig(err, mode);
      List<Outcome> outcomes = new ArrayList<>();
      long start = System.nanoTime();
      try (VimiPipeline on = VimiPipeline.builder().model(ms).denoiser(backend, Map.of()).retriever(memory.providerName(), memoryConfig).build();
          VimiPipeline off = VimiPipeline.builder().model(ms).denoiser(backend, Map.of()).noRetriever().build()) {
        ProgressBar bar = new ProgressBar(err, mode, "eval grounding", "videos");
        for (int i = 0; i < runs.size(); i++) {
          Run run = runs.get(i);
          GenerationResult r =
              (run.retrieval() ? on : off).generate(request(run.item(), home, loader, seed + indexOf(runs, run), run.k()));
          List<String> retrieved = r.retrieved().stream().map(RetrievedItem::id).toList();
          outcomes.add(measure(run, r.stageVideos().get(measured), retrieved, palette, sprites, loader, home));
          bar.update((i + 1.0) / runs.size(), i + 1);
        }
        bar.close();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      String table = table(outcomes);
      o.print(table);
      o.printf(Locale.ROOT, "%d videos in %.0f s (%.1f s per video), model %s, backend %s%n", outcomes.size(), seconds,
          seconds / Math.max(1, outcomes.size()), ms.name(), backend);
      if (report != null) {
        Files.writeString(report, markdown(table, outcomes, ms.name(), seconds), StandardCharsets.UTF_8);
        o.println("report: " + report);
      }
      return 0;
    }

    /** Width of the videos the measurements are made for: the evaluation set's 36x64. */
    static final int MEASURED_WIDTH = 64;

    /**
     * The stage whose video is measured: the first at least {@link #MEASURED_WIDTH} wide (a base stage
     * below the evaluation set's resolution is measured after the cascade has brought it there), else the
     * last.
     */
    static int measuredStage(ModelSpec model) {
      for (int i = 0; i < model.stages().size(); i++) {
        if (model.stages().get(i).width() >= MEASURED_WIDTH) {
          return i;
        }
      }
      return model.stages().size() - 1;
    }

    /** The seed of a run: the item's position, so that both retrieval arms of an item share a seed. */
    private static int indexOf(List<Run> runs, Run run) {
      int k = 0;
      JsonNode prev = null;
      for (Run r : runs) {
        if (r.item() != prev) {
          k++;
          prev = r.item();
        }
        if (r == run) {
          return k - 1;
        }
      }
      return k;
    }

    private GenerationRequest request(JsonNode item, Path home, ImageLoader loader, long s, int k) {
      List<ImageRef> images = new ArrayList<>();
      if (item.has("images")) {
        item.get("images").forEach(p -> images.add(loader.readPixels(ImageRef.of(home.resolve(p.asText())))));
      }
      GenerationRequest.Builder b =
          GenerationRequest.builder().task(item.get("task").asText()).prompt(item.get("prompt").asText(), images.toArray(ImageRef[]::new)).seed(s);
      if (item.has("first_frame")) {
        b.firstFrame(loader.readPixels(ImageRef.of(home.resolve(item.get("first_frame").asText()))));
      }
      if (steps != null) {
        b.steps(steps);
      }
      if (k > 0) {
        b.retrievalK(k);
      }
      if (guidance != null) {
        b.guidance(Guidance.constant(guidance));
      }
      return b.build();
    }

    /** A raw float32 little-endian video [3, T, H, W], H x W = 36 x 64 or a multiple. */
    static Video readVideo(Path f, int frames) throws IOException {
      byte[] bytes = Files.readAllBytes(f);
      float[] v = new float[bytes.length / 4];
      java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
      int plane = v.length / (3 * frames);
      int w = (int) Math.round(Math.sqrt(plane * 16.0 / 9.0));
      int h = plane / w;
      if (3 * frames * h * w != v.length) {
        throw new InvalidInputException("oracle", f + " does not hold a 16:9 video of " + frames + " frames");
      }
      return new Video(dev.vimi.spi.Tensor.of(v, 3, frames, h, w), 24f);
    }

    /** The measurements of one video (of the measured stage). */
    static Outcome measure(
        Run run, Video v, List<String> retrieved, Map<String, int[]> palette, Map<String, GroundingMetrics.Sprite> sprites,
        ImageLoader loader, Path home) {
      int h = v.height();
      int w = v.width();
      float[] bg = GroundingMetrics.background(v);
      List<GroundingMetrics.FrameTrack> tracks = new ArrayList<>();
      List<float[]> frames = new ArrayList<>();
      for (int t = 0; t < v.frameCount(); t++) {
        float[] px = GroundingMetrics.rgb(v, t);
        frames.add(px);
        tracks.add(GroundingMetrics.track(px, h, w, bg));
      }
      JsonNode item = run.item();
      List<String> cands = new ArrayList<>();
      item.get("candidates").forEach(c -> cands.add(c.asText()));
      double[] total = new double[cands.size()];
      int[] votes = new int[cands.size()];
      int counted = 0;
      for (int t = 0; t < frames.size(); t++) {
        if (!tracks.get(t).visible()) {
          continue;
        }
        int best = -1;
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < cands.size(); k++) {
          double d = GroundingMetrics.distance(frames.get(t), w, tracks.get(t), bg, sprites.get(cands.get(k)));
          total[k] += d;
          if (d < bestD) {
            bestD = d;
            best = k;
          }
        }
        votes[best]++;
        counted++;
      }
      int chosen = -1;
      if (counted > 0) {
        double bestD = Double.MAX_VALUE;
        for (int k = 0; k < total.length; k++) {
          if (total[k] < bestD) {
            bestD = total[k];
            chosen = k;
          }
        }
      }
      double consistency = counted == 0 ? 0 : (double) votes[chosen] / counted;
      double psnr = Double.NaN;
      if (item.has("first_frame")) {
        ImageRef.OfPixels ff = loader.readPixels(ImageRef.of(home.resolve(item.get("first_frame").asText())));
        psnr = GroundingMetrics.psnr(frames.get(0), GroundingMetrics.downsampled(ff, h, w));
      }
      return new Outcome(
          run,
          chosen == 0, // the subject is the first candidate
          GroundingMetrics.motion(tracks, w),
          GroundingMetrics.nearestColour(bg, palette),
          psnr,
          consistency,
          GroundingMetrics.frameDifference(v),
          retrieved.contains(item.get("subject_id").asText()),
          retrieved);
    }

    static String table(List<Outcome> outcomes) {
      Map<String, List<Outcome>> byArm = new LinkedHashMap<>();
      for (Outcome oc : outcomes) {
        byArm.computeIfAbsent(oc.run().arm(), k -> new ArrayList<>()).add(oc);
      }
      byArm.put("all", outcomes);
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "%-26s %4s %9s %7s %11s %10s %12s %10s %10s%n",
          "group", "n", "identity", "motion", "background", "1st PSNR", "id-consist.", "frame-diff", "subj.ret."));
      for (Map.Entry<String, List<Outcome>> e : byArm.entrySet()) {
        List<Outcome> l = e.getValue();
        int n = l.size();
        long id = l.stream().filter(Outcome::identity).count();
        long mo = l.stream().filter(x -> x.motion().equals(x.run().item().get("motion").asText())).count();
        long bg = l.stream().filter(x -> x.background().equals(x.run().item().get("background").asText())).count();
        double psnr = l.stream().mapToDouble(Outcome::psnr).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
        double cons = l.stream().mapToDouble(Outcome::consistency).average().orElse(0);
        double fd = l.stream().mapToDouble(Outcome::frameDiff).average().orElse(0);
        List<Outcome> withRet = l.stream().filter(x -> x.run().retrieval() && !x.retrieved().isEmpty()).toList();
        String ret = withRet.isEmpty() ? "-" : pct(withRet.stream().filter(Outcome::retrievedSubject).count(), withRet.size());
        b.append(String.format(Locale.ROOT, "%-26s %4d %9s %7s %11s %10s %12.2f %10.4f %10s%n",
            e.getKey(), n, pct(id, n), pct(mo, n), pct(bg, n), Double.isNaN(psnr) ? "-" : String.format(Locale.ROOT, "%.1f dB", psnr),
            cons, fd, ret));
      }
      return b.toString();
    }

    private static String pct(long k, int n) {
      return n == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100.0 * k / n);
    }

    static String markdown(String table, List<Outcome> outcomes, String model, double seconds) {
      StringBuilder b = new StringBuilder("# vimi eval grounding: " + model + "\n\n```\n").append(table).append("```\n\n");
      b.append(String.format(Locale.ROOT, "%d videos in %.0f s. Chance: identity 10%%, motion 14%%, background 8%%.%n%n",
          outcomes.size(), seconds));
      b.append("| arm | prompt | identity | motion (asked -> seen) | background (asked -> seen) | retrieved |\n|---|---|---|---|---|---|\n");
      for (Outcome oc : outcomes) {
        JsonNode it = oc.run().item();
        b.append("| ").append(oc.run().arm()).append(" | ").append(it.get("prompt").asText().replace("|", "/"))
            .append(" | ").append(oc.identity() ? "yes" : "no")
            .append(" | ").append(it.get("motion").asText()).append(" -> ").append(oc.motion())
            .append(" | ").append(it.get("background").asText()).append(" -> ").append(oc.background())
            .append(" | ").append(String.join(", ", oc.retrieved())).append(" |\n");
      }
      return b.toString();
    }
  }
}
