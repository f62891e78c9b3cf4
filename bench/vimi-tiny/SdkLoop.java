import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.spi.ImageRef;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SDK side of bench/vimi-tiny/bench.py: one pipeline, kept warm, that generates the case's request
 * (case.json written by models/vimi-tiny/tools/SdkGenerate.java: task, prompt, images, seed, steps,
 * guidance; no retrieval) each time a line {@code run} arrives on standard input, and answers with one line
 * {@code time WALL_S CPU_S} (wall seconds of {@code VimiPipeline.generate} and the process CPU seconds it
 * took). So that bench.py can alternate the SDK with the Python loops in one run: each side runs while the
 * other waits, under the same machine load.
 *
 * <p>It warms up (two generations) before printing {@code ready}. Usage:
 * {@code java -cp CP bench/vimi-tiny/SdkLoop.java CASE_DIR [--bundle DIR] [--denoiser onnx] [--set key=value]...}
 */
public final class SdkLoop {
  public static void main(String[] args) throws Exception {
    Path caseDir = Path.of(args[0]);
    Path bundle = Path.of("models/vimi-tiny/bundle");
    String backend = "onnx";
    Map<String, String> cfg = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--bundle" -> bundle = Path.of(args[i + 1]);
        case "--denoiser" -> backend = args[i + 1];
        case "--set" -> cfg.put(args[i + 1].substring(0, args[i + 1].indexOf('=')), args[i + 1].substring(args[i + 1].indexOf('=') + 1));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String json = Files.readString(caseDir.resolve("case.json"));
    GenerationRequest.Builder rb =
        GenerationRequest.builder()
            .task(str(json, "task"))
            .prompt(str(json, "prompt"), images(json).stream().map(p -> ImageRef.of(Path.of(p).toAbsolutePath())).toArray(ImageRef[]::new))
            .seed(Long.parseLong(raw(json, "seed")));
    String steps = raw(json, "steps");
    if (!steps.equals("null")) {
      rb.steps(java.util.Arrays.stream(steps.replaceAll("[\\[\\] ]", "").split(",")).mapToInt(Integer::parseInt).toArray());
    }
    String g = raw(json, "guidance");
    if (!g.equals("null")) {
      rb.guidance(Guidance.constant(Double.parseDouble(g)));
    }
    GenerationRequest request = rb.build();
    var os = ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    try (VimiPipeline pipeline = VimiPipeline.builder().model(ModelBundle.load(bundle).spec()).denoiser(backend, cfg).noRetriever().build()) {
      pipeline.generate(request);
      pipeline.generate(request);
      System.out.println("ready " + backend + " " + cfg);
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.trim().equals("run")) {
          break;
        }
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        GenerationResult r = pipeline.generate(request);
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - c0;
        if (r.video() == null) {
          throw new IllegalStateException("no video");
        }
        System.out.printf(Locale.ROOT, "time %.4f %.4f%n", wall / 1e9, cpu / 1e9);
        System.out.flush();
      }
    }
  }

  private static String raw(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(\\[[^\\]]*\\]|\"(?:[^\"\\\\]|\\\\.)*\"|[^,}\\n]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalArgumentException("case.json has no " + key);
    }
    return m.group(1).trim();
  }

  private static String str(String json, String key) {
    String v = raw(json, key);
    return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\");
  }

  private static List<String> images(String json) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(raw(json, "images"));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
