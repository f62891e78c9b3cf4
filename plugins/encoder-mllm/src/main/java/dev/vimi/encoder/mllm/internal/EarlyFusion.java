package dev.vimi.encoder.mllm.internal;

import dev.vimi.encoder.mllm.TokenLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Early fusion (ViMi, eq. 3): the input-embedding graph turns the token ids into embeddings, the
 * projected image tokens replace the embeddings of the image slots, and the language model's last
 * hidden states over the whole sequence are the conditioning. Owns the input-embedding graph and the
 * language model (with {@code inputs_embeds}). Thread-safe; closed by its owner.
 */
public final class EarlyFusion implements FusionStrategy {
  private static final Graph.Signature EMBEDS_LM =
      new Graph.Signature(
          List.of("inputs_embeds"),
          List.of("attention_mask", "position_ids"),
          List.of("inputs_embeds", "attention_mask"),
          "last_hidden_state");

  private final Graph embeddings;
  private final Graph lm;

  private EarlyFusion(Graph embeddings, Graph lm) {
    this.embeddings = embeddings;
    this.lm = lm;
  }

  static EarlyFusion open(EncoderSettings s, Opened opened) {
    String owner = s.owner();
    Graph embeddings =
        opened.track(
            Graph.load(owner, "input-embedding", s.embeddings().orElseThrow(), s.engine(), s.threads(), s.spinning(), Graph.Signature.single("input_ids")));
    Graph lm = opened.track(Graph.load(owner, "language model", s.lm(), s.engine(), s.threads(), s.spinning(), EMBEDS_LM));
    return new EarlyFusion(embeddings, lm);
  }

  @Override
  public Widths probe(String owner, long probeId) {
    Graph.Output e = embeddings.run(Map.of("input_ids", Graph.Input.of(new long[] {probeId}, 1, 1)));
    int width = e.dim(-1);
    Graph.Output text = runLm(e.values(), 1, width);
    Graph.checkWidth(owner, "language model", text.dim(-1), "input-embedding graph", width);
    return new Widths(width, width);
  }

  @Override
  public float[] states(TokenLayout layout, Map<Integer, float[]> imageTokens, int dim) {
    int n = layout.expandedLength();
    int perImage = layout.tokensPerImage();
    long[] ids = new long[n];
    int at = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      switch (t) {
        case TokenLayout.Text x -> ids[at++] = x.id();
        case TokenLayout.ImageSlot s -> at += perImage; // id 0: the embedding is replaced below
      }
    }
    Graph.Output e = embeddings.run(Map.of("input_ids", Graph.Input.of(ids, 1, n)));
    int width = e.dim(-1);
    float[] embeds = e.values();
    at = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.ImageSlot s) {
        System.arraycopy(imageTokens.get(s.image()), 0, embeds, at * width, perImage * width);
        at += perImage;
      } else {
        at++;
      }
    }
    return runLm(embeds, n, width).tokenStates(n, dim, "language model");
  }

  private Graph.Output runLm(float[] embeds, int n, int width) {
    Map<String, Graph.Input> in = new HashMap<>();
    in.put("inputs_embeds", Graph.Input.of(embeds, 1, n, width));
    in.put("attention_mask", Graph.Input.mask(n));
    in.put("position_ids", Graph.Input.positions(n));
    return lm.run(in);
  }

  /** The language model reads every position, image tokens included. */
  @Override
  public int languageModelLength(TokenLayout layout) {
    return layout.expandedLength();
  }

  @Override
  public String languageModelNeeds(TokenLayout layout, String positions) {
    return positions;
  }

  @Override
  public String imageTokenTarget() {
    return "language model's input embeddings";
  }

  @Override
  public String outputGraph() {
    return "language model";
  }

  @Override
  public String ownGraphKey() {
    return "embeddings";
  }

  @Override
  public void close() {
    try {
      lm.close();
    } finally {
      embeddings.close();
    }
  }
}
