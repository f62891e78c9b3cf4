import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vimi.encoder.mllm.MllmConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.ProviderConfig;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Precomputes the MiniLM token states of ViMi-tiny's training prompts with the SDK's own encoder, so
 * that training sees exactly what the `mllm` encoder computes at inference.
 *
 * <p>The `mllm` plugin's late fusion runs MiniLM over the prompt's text tokens only (each text segment
 * tokenized on its own, [CLS] ... [SEP] around all of them) and splices the image tokens in afterwards.
 * This tool opens the plugin with the MiniLM preset and an identity fusion graph, encodes the text
 * pieces of every prompt (images left out), and so gets MiniLM's last hidden states for exactly the
 * token sequence the real encoder feeds MiniLM; the token count of each piece (from the encoder's
 * own layout) tells the training recipe where the image slots go.
 *
 * <p>Input JSONL: {"key": "...", "pieces": ["text", null, "text", ...]} (null = an image slot).
 * Output: OUT.f16 (little-endian float16 [n, 384] per record, concatenated) and OUT.jsonl
 * ({"key", "offset" (rows), "n", "counts" (tokens per piece, -1 for an image slot)}).
 *
 * <p>Usage: java -cp $(models/vimi-tiny/tools/classpath.sh) models/vimi-tiny/tools/TextStates.java
 * IDENTITY_FUSION.onnx PROMPTS.jsonl OUT [THREADS]
 */
public final class TextStates {
  private record Rec(String key, List<String> pieces) {}

  private record Result(Rec rec, float[] states, int n, int[] counts) {}

  public static void main(String[] args) throws Exception {
    Path identity = Path.of(args[0]);
    Path prompts = Path.of(args[1]);
    String out = args[2];
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    ObjectMapper json = new ObjectMapper();
    List<Rec> recs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(prompts, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode r = json.readTree(line);
        List<String> pieces = new ArrayList<>();
        r.get("pieces").forEach(p -> pieces.add(p.isNull() ? null : p.asText()));
        recs.add(new Rec(r.get("key").asText(), pieces));
      }
    }
    ProviderConfig cfg =
        ProviderConfig.of(
            "encoder mllm (text states)",
            Map.of(
                "lm_preset", "all-minilm-l6-v2-q",
                "fusion", "late",
                "fusion_net", identity.toAbsolutePath().toString(),
                "length", "512",
                "cache_size", "0",
                "threads", "1"));
    long start = System.nanoTime();
    try (MllmConditionEncoder enc = MllmConditionEncoder.open(cfg);
        OutputStream f16 = new BufferedOutputStream(Files.newOutputStream(Path.of(out + ".f16")), 1 << 20);
        BufferedWriter idx = Files.newBufferedWriter(Path.of(out + ".jsonl"), StandardCharsets.UTF_8)) {
      int dim = enc.dim();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Result>> futures = new ArrayList<>();
      for (Rec r : recs) {
        futures.add(pool.submit(() -> run(enc, r)));
      }
      long offset = 0;
      int done = 0;
      for (Future<Result> fu : futures) {
        Result res = fu.get();
        ByteBuffer b = ByteBuffer.allocate(res.n * dim * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < res.n * dim; i++) {
          b.putShort(Float.floatToFloat16(res.states[i]));
        }
        f16.write(b.array());
        StringBuilder counts = new StringBuilder();
        for (int c : res.counts) {
          counts.append(counts.isEmpty() ? "" : ",").append(c);
        }
        idx.write("{\"key\":" + json.writeValueAsString(res.rec.key) + ",\"offset\":" + offset + ",\"n\":" + res.n
            + ",\"counts\":[" + counts + "]}\n");
        offset += res.n;
        if (++done % 1000 == 0) {
          System.out.printf("%d/%d prompts, %.1f s%n", done, recs.size(), (System.nanoTime() - start) / 1e9);
        }
      }
      pool.shutdown();
      System.out.printf("%d prompts, %d token states of width %d in %.1f s%n", recs.size(), offset, dim,
          (System.nanoTime() - start) / 1e9);
    }
  }

  private static Result run(MllmConditionEncoder enc, Rec r) {
    List<PromptSegment> segs = new ArrayList<>();
    int[] counts = new int[r.pieces.size()];
    int sum = 0;
    for (int i = 0; i < r.pieces.size(); i++) {
      String p = r.pieces.get(i);
      if (p == null) {
        counts[i] = -1;
        continue;
      }
      if (p.isBlank()) {
        counts[i] = 0; // the encoder drops blank text
        continue;
      }
      MultimodalPrompt one = MultimodalPrompt.of(PromptSegment.text(p));
      counts[i] = enc.layout(one).tokens().size() - 2; // without [CLS] and [SEP]
      sum += counts[i];
      segs.add(PromptSegment.text(p));
    }
    Conditioning c = enc.encode(new MultimodalPrompt(segs));
    int n = c.validTokens();
    if (n != sum + 2) {
      throw new IllegalStateException("prompt " + r.key + ": " + n + " states but the pieces have " + sum + " tokens + 2");
    }
    float[] all = c.tokens().toArray();
    float[] states = new float[n * c.dim()];
    System.arraycopy(all, 0, states, 0, states.length);
    return new Result(r, states, n, counts);
  }
}
