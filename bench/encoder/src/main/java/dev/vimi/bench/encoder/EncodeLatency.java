package dev.vimi.bench.encoder;

import dev.vimi.encoder.mllm.MllmEncoderProvider;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Encode latency of the "mllm" encoder for a 2-image prompt (text-to-video layout: instruction, two
 * retrieved image-caption pairs, user text), with the cache off so that every call runs the
 * tokenizer, the image decoding and preprocessing, the vision tower, the projector, the LM and the
 * fusion network. Single-threaded calls, one after another; prints percentiles in milliseconds.
 *
 * <p>Usage: {@code EncodeLatency <test-encoder bundle dir> ["iterations warmup threads"]}; threads is
 * ONNX Runtime's intra-op thread count per graph (0: its default, one per core).
 */
public final class EncodeLatency {
  private EncodeLatency() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String[] rest = args.length > 1 ? args[1].trim().split("\\s+") : new String[0];
    int iterations = rest.length > 0 ? Integer.parseInt(rest[0]) : 100;
    int warmup = rest.length > 1 ? Integer.parseInt(rest[1]) : 20;
    String threads = rest.length > 2 ? rest[2] : "0";
    System.out.printf(Locale.ROOT, "cores=%d, java=%s, iterations=%d, warmup=%d, ORT intra-op threads=%s, load average %s%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), iterations, warmup,
        threads.equals("0") ? "default" : threads, loadAverage());

    byte[] photo1 = jpeg(1024, 768, 1);
    byte[] photo2 = jpeg(800, 800, 2);
    MultimodalPrompt twoSmall = prompt(ImageRef.of(dir.resolve("rgba.png")), ImageRef.of(dir.resolve("photo.jpg")));
    MultimodalPrompt twoLarge = prompt(ImageRef.ofBytes(photo1), ImageRef.ofBytes(photo2));
    MultimodalPrompt textOnly = MultimodalPrompt.of(
        PromptSegment.text("Generate a video with the retrieved text-image examples and text prompt."),
        PromptSegment.text("a corgi running on a beach"), PromptSegment.text("waves crashing at dusk"),
        PromptSegment.text("A dog plays in the surf at sunset."));

    // the bundle's encoder settings travel in the context; the operator's keys in the configuration
    Map<String, String> lateBundle = new HashMap<>();
    Map<String, String> late = new HashMap<>();
    lateBundle.put("lm_preset", "all-minilm-l6-v2-q");
    lateBundle.put("fusion", "late");
    lateBundle.put("vision", "vision.onnx");
    lateBundle.put("projector", "projector_late.onnx");
    lateBundle.put("fusion_net", "fusion_late.onnx");
    lateBundle.put("image_size", "32");
    late.put("cache_size", "0");
    late.put("threads", threads);
    Map<String, String> earlyBundle = new HashMap<>();
    Map<String, String> early = new HashMap<>();
    earlyBundle.put("fusion", "early");
    earlyBundle.put("tokenizer", "toy_tokenizer.json");
    earlyBundle.put("embeddings", "toy_embed.onnx");
    earlyBundle.put("lm", "toy_lm.onnx");
    earlyBundle.put("vision", "vision.onnx");
    earlyBundle.put("projector", "projector_early.onnx");
    earlyBundle.put("image_size", "32");
    earlyBundle.put("max_tokens", "128");
    earlyBundle.put("length", "128");
    early.put("cache_size", "0");
    early.put("threads", threads);

    MllmEncoderProvider provider = new MllmEncoderProvider();
    try (ConditionEncoder e = provider.create(ProviderConfig.of("bench late", late), ProviderContext.ofBundle(dir, lateBundle))) {
      run("late/MiniLM, 2 images (70x50 PNG + 70x50 JPEG)", e, twoSmall, iterations, warmup);
      run("late/MiniLM, 2 images (1024x768 + 800x800 JPEG)", e, twoLarge, iterations, warmup);
      run("late/MiniLM, text only (same words)", e, textOnly, iterations, warmup);
    }
    try (ConditionEncoder e = provider.create(ProviderConfig.of("bench early", early), ProviderContext.ofBundle(dir, earlyBundle))) {
      run("early/toy LM, 2 images (70x50 PNG + 70x50 JPEG)", e, twoSmall, iterations, warmup);
    }
    Map<String, String> cached = new HashMap<>(late);
    cached.put("cache_size", "16");
    try (ConditionEncoder e = provider.create(ProviderConfig.of("bench cached", cached), ProviderContext.ofBundle(dir, lateBundle))) {
      run("late/MiniLM, 2 images (1024x768 + 800x800 JPEG), cache hit", e, twoLarge, iterations, warmup);
    }
    System.out.println("load average after: " + loadAverage());
  }

  private static String loadAverage() {
    try {
      return new String(java.nio.file.Files.readAllBytes(Path.of("/proc/loadavg"))).trim();
    } catch (java.io.IOException e) {
      return "n/a";
    }
  }

  private static MultimodalPrompt prompt(ImageRef a, ImageRef b) {
    return MultimodalPrompt.of(
        PromptSegment.text("Generate a video with the retrieved text-image examples and text prompt."),
        PromptSegment.image(a), PromptSegment.text("a corgi running on a beach"),
        PromptSegment.image(b), PromptSegment.text("waves crashing at dusk"),
        PromptSegment.text("A dog plays in the surf at sunset."));
  }

  private static void run(String name, ConditionEncoder e, MultimodalPrompt p, int iterations, int warmup) {
    for (int i = 0; i < warmup; i++) {
      e.encode(p);
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      e.encode(p);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    double mean = Arrays.stream(ms).average().orElse(0);
    System.out.printf(Locale.ROOT, "%-62s median %7.2f ms  p10 %7.2f  p90 %7.2f  mean %7.2f  (n=%d, %d positions)%n",
        name, ms[iterations / 2], ms[iterations / 10], ms[iterations * 9 / 10], mean, iterations,
        e.encode(p).validTokens());
  }

  /** A smooth synthetic photo-sized JPEG, so that decoding costs what a real picture costs. */
  private static byte[] jpeg(int w, int h, int seed) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int r = (x * 255 / w + seed * 40) & 0xFF;
        int g = (y * 255 / h) & 0xFF;
        int b = ((x ^ y) * seed) & 0xFF;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "jpeg", out);
    return out.toByteArray();
  }
}
