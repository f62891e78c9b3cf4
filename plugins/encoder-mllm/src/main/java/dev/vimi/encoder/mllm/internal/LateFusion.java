package dev.vimi.encoder.mllm.internal;

import dev.vimi.encoder.mllm.TokenLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Late fusion (for small text encoders that only take token ids, such as MiniLM): the language model
 * reads the text tokens, the projected image tokens are spliced into its hidden-state sequence at the
 * image slots (modality 1, text 0), and the fusion network's output over that sequence is the
 * conditioning. Owns the language model (with {@code input_ids}) and the fusion network. Thread-safe;
 * closed by its owner.
 */
public final class LateFusion implements FusionStrategy {
  private static final Graph.Signature TEXT_LM =
      new Graph.Signature(
          List.of("input_ids"),
          List.of("attention_mask", "token_type_ids", "position_ids"),
          List.of("input_ids", "attention_mask", "token_type_ids"),
          "last_hidden_state");
  private static final Graph.Signature FUSION =
      new Graph.Signature(
          List.of("hidden_states"),
          List.of("attention_mask", "modality_ids"),
          List.of("hidden_states", "attention_mask", "modality_ids"),
          "");

  private final Graph lm;
  private final Graph fusionNet;

  private LateFusion(Graph lm, Graph fusionNet) {
    this.lm = lm;
    this.fusionNet = fusionNet;
  }

  static LateFusion open(EncoderSettings s, Opened opened) {
    String owner = s.owner();
    Graph lm = opened.track(Graph.load(owner, "language model", s.lm(), s.engine(), s.threads(), s.spinning(), TEXT_LM));
    Graph fusionNet =
        opened.track(Graph.load(owner, "fusion network", s.fusionNet().orElseThrow(), s.engine(), s.threads(), s.spinning(), FUSION));
    return new LateFusion(lm, fusionNet);
  }

  @Override
  public Widths probe(String owner, long probeId) {
    Graph.Output text = runLm(new long[] {probeId});
    int width = text.dim(-1);
    Graph.Output f = runFusion(text.values(), 1, width, new long[] {0});
    return new Widths(width, f.dim(-1));
  }

  @Override
  public float[] states(TokenLayout layout, Map<Integer, float[]> imageTokens, int dim) {
    int n = layout.expandedLength();
    int perImage = layout.tokensPerImage();
    long[] ids = new long[layout.textTokens()];
    int k = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.Text x) {
        ids[k++] = x.id();
      }
    }
    Graph.Output h = runLm(ids);
    int width = h.dim(-1);
    float[] text = h.values();
    float[] spliced = new float[n * width];
    long[] modality = new long[n];
    int at = 0;
    k = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot s) {
        System.arraycopy(imageTokens.get(s.image()), 0, spliced, at * width, perImage * width);
        for (int i = 0; i < perImage; i++) {
          modality[at + i] = 1;
        }
        at += perImage;
      } else {
        System.arraycopy(text, k * width, spliced, at * width, width);
        k++;
        at++;
      }
    }
    return runFusion(spliced, n, width, modality).tokenStates(n, dim, "fusion network");
  }

  private Graph.Output runLm(long[] ids) {
    int n = ids.length;
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("input_ids", Graph.Input.of(ids, 1, n));
    in.put("attention_mask", Graph.Input.mask(n));
    in.put("token_type_ids", Graph.Input.of(new long[n], 1, n));
    in.put("position_ids", Graph.Input.positions(n));
    return lm.run(in);
  }

  private Graph.Output runFusion(float[] states, int n, int width, long[] modality) {
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("hidden_states", Graph.Input.of(states, 1, n, width));
    in.put("attention_mask", Graph.Input.mask(n));
    in.put("modality_ids", Graph.Input.of(modality, 1, n));
    return fusionNet.run(in);
  }

  /** The language model reads the text tokens only; image tokens join after it. */
  @Override
  public int languageModelLength(TokenLayout layout) {
    return layout.textTokens();
  }

  @Override
  public String languageModelNeeds(TokenLayout layout, String positions) {
    return layout.textTokens() + " language-model tokens of " + positions;
  }

  @Override
  public String imageTokenTarget() {
    return "language model's hidden states";
  }

  @Override
  public String outputGraph() {
    return "fusion network";
  }

  @Override
  public String ownGraphKey() {
    return "fusion_net";
  }

  @Override
  public void close() {
    try {
      fusionNet.close();
    } finally {
      lm.close();
    }
  }
}
