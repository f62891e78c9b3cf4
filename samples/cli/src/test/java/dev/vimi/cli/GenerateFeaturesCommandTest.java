package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.Cancellation;
import dev.vimi.api.GenerationCancelledException;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Progress;
import dev.vimi.api.StageSpec;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.EncoderSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vimi generate}'s options for the generation features, in process on the small exported test
 * bundles of models/test-denoiser ({@code bundle}, whose graphs take no conditioning frames, and {@code
 * bundle-known}, whose graphs do) with the hashing reference encoder and no retrieval.
 */
class GenerateFeaturesCommandTest {
  @TempDir static Path bundles;
  static Path plain;
  static Path known;

  @TempDir Path dir;

  /**
   * bundle-known as committed (its hashing encoder truncates: the CLI's task instructions are longer than its 6
   * tokens), and a copy of the plain bundle whose encoder is set to truncate too.
   */
  @BeforeAll
  static void bundles() throws IOException {
    plain = copy(Path.of("..", "..", "models", "test-denoiser", "bundle"), "plain");
    known = Path.of("..", "..", "models", "test-denoiser", "bundle-known");
  }

  private static Path copy(Path from, String name) throws IOException {
    Path to = Files.createDirectory(bundles.resolve(name));
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    JsonMapper json = new JsonMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(to.resolve("vimi-model.json").toFile());
    ((ObjectNode) manifest.get("encoder").get("settings")).put("truncate", "true");
    Files.writeString(to.resolve("vimi-model.json"), json.writeValueAsString(manifest));
    return to;
  }

  record Run(int code, String out, String err) {}

  private static Run vimi(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VimiCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void countNegativeAndALongVideoWriteNumberedVideosAndOneSheet() throws IOException {
    Path out = dir.resolve("ball.gif");
    Run r =
        vimi("generate", "--model", plain.toString(), "--no-retrieval", "--progress", "lines", "--count", "2", "--negative", "red",
            "--frames", "10", "--seed", "4", "--scale", "1", "-o", out.toString(), "a ball moves right on a blue background");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("ball-1.gif")).isRegularFile();
    assertThat(dir.resolve("ball-2.gif")).isRegularFile();
    assertThat(out).doesNotExist();
    // clip of 4 frames; 10 frames = 3 clips through the predict task (the graphs take no known frames)
    assertThat(r.err()).contains("clip 3/3 stage 2/2 upsampler");
    assertThat(r.out()).contains("ball-1.gif ... ").contains("ball-2.gif").contains("seeds 4..5").contains("10 frames, 16x16");
    BufferedImage sheet = ImageIO.read(dir.resolve("ball-sheet.png").toFile());
    // a row per video, the 10 frames in a row, framed by 2 px separators
    assertThat(sheet.getWidth()).isEqualTo(10 * 16 + 11 * 2);
    assertThat(sheet.getHeight()).isEqualTo(2 * 16 + 3 * 2);
  }

  @Test
  void knownFramesGoToModelsThatTakeThemAndAreRefusedByOthers() throws IOException {
    Path frame = dir.resolve("first.png");
    BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) {
        img.setRGB(x, y, x < 10 ? 0xFF2040 : 0x20FF40);
      }
    }
    ImageIO.write(img, "png", frame.toFile());
    Run ok =
        vimi("generate", "--model", known.toString(), "--no-retrieval", "--progress", "none", "--known-frame", "0=" + frame,
            "--scale", "1", "-o", dir.resolve("k.gif").toString(), "a ball");
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(dir.resolve("k.gif")).isRegularFile();

    Run refused =
        vimi("generate", "--model", plain.toString(), "--no-retrieval", "--progress", "none", "--known-frame", "0=" + frame,
            "-o", dir.resolve("p.gif").toString(), "a ball");
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("vimi-test-denoiser").contains("takes no conditioning frames");
    assertThat(dir.resolve("p.gif")).doesNotExist();

    Run bad = vimi("generate", "--model", known.toString(), "--known-frame", "first.png", "a ball");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--known-frame takes INDEX=FILE");

    Run beyond =
        vimi("generate", "--model", known.toString(), "--no-retrieval", "--progress", "none", "--known-frame", "8=" + frame,
            "-o", dir.resolve("b.gif").toString(), "a ball");
    assertThat(beyond.code()).isEqualTo(2);
    assertThat(beyond.err()).contains("--known-frame: frame 8 is beyond the model's clip of 8 frames");
  }

  @Test
  void errorsAboutTheRequestNameTheFlagToFix() {
    Run blend = vimi("generate", "--model", known.toString(), "--no-retrieval", "--blend", "3", "a ball");
    assertThat(blend.code()).isEqualTo(2);
    assertThat(blend.err()).contains("--blend: must be in [0, --reference-frames = 2]");

    Run refs =
        vimi("generate", "--model", known.toString(), "--no-retrieval", "--progress", "none", "--frames", "12",
            "--reference-frames", "7", "-o", dir.resolve("r.gif").toString(), "a ball");
    assertThat(refs.code()).isEqualTo(2);
    assertThat(refs.err()).contains("--reference-frames: 7 reference frame(s) and the anchor fill the model's clip of 8 frames");

    Run few =
        vimi("generate", "--model", known.toString(), "--no-retrieval", "--progress", "none", "--frames", "3",
            "-o", dir.resolve("f.gif").toString(), "a ball");
    assertThat(few.code()).isEqualTo(2);
    assertThat(few.err()).contains("--frames: this model generates clips of 8 frames");
  }

  /** A real process stopped while it samples (SIGTERM; Ctrl-C's SIGINT takes the same shutdown path). */
  @Test
  void stoppingTheProcessWhileItSamplesWritesTheLastPreview() throws Exception {
    Path out = dir.resolve("cut.gif");
    Path live = dir.resolve("live.png");
    Path log = dir.resolve("log.txt");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), VimiCommand.class.getName(),
                "generate", "--model", plain.toString(), "--no-retrieval", "--progress", "none", "--steps", "5000", "--count", "4",
                "--preview-every", "1", "--preview", live.toString(), "--scale", "1", "-o", out.toString(), "a ball")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // the first preview is written once the sampler runs; 2 x 5000 steps of 4 videos take far longer
    while (!Files.exists(live) && p.isAlive()) {
      Thread.sleep(20);
    }
    assertThat(p.isAlive()).as("still sampling; its output: %s", Files.readString(log)).isTrue();
    p.destroy();
    p.waitFor();
    String text = Files.readString(log);
    assertThat(text).contains("cancelled; wrote the preview of step").contains("to " + dir.resolve("cut-preview.png"));
    BufferedImage sheet = ImageIO.read(dir.resolve("cut-preview.png").toFile());
    // the four videos of the stage it was in, a row each: 4 frames of 8x8 (base) or 16x16 (upsampler)
    assertThat(sheet.getHeight()).isIn(4 * 8 + 5 * 2, 4 * 16 + 5 * 2);
    assertThat(dir.resolve("cut-1.gif")).doesNotExist();
  }

  @Test
  void theFramesOfTheLastPreviewAreWrittenAfterACancel() throws IOException {
    StageSpec st = StageSpec.edmDefaults("base", 4, 8, 8, 10, 32, 64);
    ModelSpec model = new ModelSpec("oracle", null, List.of(st), new EncoderSpec("hashing", Map.of()));
    GenerationOutputs.Previews previews = new GenerationOutputs.Previews(null, 2);
    Cancellation cancel = new Cancellation();
    try (VimiPipeline p = VimiPipeline.builder().model(model).denoiser("gaussian-oracle", Map.of()).noRetriever().build()) {
      GenerationRequest req = GenerationRequest.builder().prompt("a cat").count(2).build();
      try {
        p.generate(req, previews.listener(2, e -> {
          if (e.phase() == Progress.Phase.SAMPLING && e.step() == 5) {
            cancel.cancel();
          }
        }), cancel);
        throw new AssertionError("the generation was not cancelled");
      } catch (GenerationCancelledException expected) {
        // as Ctrl-C does
      }
    }
    assertThat(previews.last().step()).isEqualTo(4);
    Path target = GenerationOutputs.sibling(dir.resolve("cat.mp4"), "preview");
    assertThat(target.getFileName().toString()).isEqualTo("cat-preview.png");
    assertThat(previews.writeLast(target)).isTrue();
    BufferedImage sheet = ImageIO.read(target.toFile());
    // two videos of 4 frames of 8x8 at scale 2, 2 px separators
    assertThat(sheet.getWidth()).isEqualTo(4 * 16 + 5 * 2);
    assertThat(sheet.getHeight()).isEqualTo(2 * 16 + 3 * 2);
    assertThat(GenerationOutputs.numbered(Path.of("out", "v.mp4"), 3)).isEqualTo(Path.of("out", "v-3.mp4"));
    assertThat(GenerationOutputs.numbered(Path.of("frames"), 2)).isEqualTo(Path.of("frames-2"));
  }
}
