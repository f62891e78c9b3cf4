package dev.vimi.encoder.mllm.internal;

import dev.vimi.encoder.mllm.TokenLayout;
import java.util.Map;

/**
 * How the projected image tokens meet the language model: one final class per {@link
 * EncoderSettings.Fusion} mode, each owning exactly the graphs its mode runs.
 *
 * <ul>
 *   <li>{@link EarlyFusion} (the paper's layout): the input-embedding graph and a language model that
 *       takes {@code inputs_embeds}; the image tokens replace the embeddings of the image slots.
 *   <li>{@link LateFusion} (small text encoders that take token ids only): a language model over the
 *       text tokens and a fusion network over its states with the image tokens spliced in.
 * </ul>
 *
 * <p><b>Thread-safety.</b> {@link #probe} and {@link #states} may run concurrently (every graph run
 * makes its own predictor). <b>Ownership.</b> The strategy owns its graphs; whoever opened it closes
 * it once no call is in flight.
 */
public sealed interface FusionStrategy extends AutoCloseable permits EarlyFusion, LateFusion {

  /**
   * What a probe learnt.
   *
   * @param languageModel the width image tokens must have to join the language model's sequence
   * @param output D, the width of the conditioning's token states
   */
  record Widths(int languageModel, int output) {}

  /** Loads the graphs of the configured mode; each is tracked by {@code opened} as soon as it is loaded. */
  static FusionStrategy open(EncoderSettings s, Opened opened) {
    return switch (s.fusion()) {
      case EARLY -> EarlyFusion.open(s, opened);
      case LATE -> LateFusion.open(s, opened);
    };
  }

  /**
   * Runs the mode's graphs once on the single token {@code probeId}.
   *
   * @throws dev.vimi.spi.ConfigurationException if the graphs' widths do not fit together
   * @throws dev.vimi.spi.BackendException if a graph fails
   */
  Widths probe(String owner, long probeId);

  /**
   * The conditioning's token states for {@code layout}: {@code [n * dim]} floats, n = {@link
   * TokenLayout#expandedLength()}. Blocks while the graphs run.
   *
   * @param imageTokens the projected tokens ({@code [P * width]}) of every image the layout holds,
   *     by image index
   * @throws dev.vimi.spi.BackendException if a graph fails or returns another shape
   */
  float[] states(TokenLayout layout, Map<Integer, float[]> imageTokens, int dim);

  /** The sequence length the language model reads for {@code layout}; model.max_tokens limits it. */
  int languageModelLength(TokenLayout layout);

  /**
   * How a prompt too long for the language model is counted in the error message; {@code positions}
   * describes the layout's positions (text, special and image tokens).
   */
  String languageModelNeeds(TokenLayout layout, String positions);

  /** What the projector's output must be as wide as, for the error message when it is not. */
  String imageTokenTarget();

  /** The graph whose states are the conditioning, for error messages. */
  String outputGraph();

  /** The configuration key (after {@code model.}) of the graph only this mode has. */
  String ownGraphKey();

  /** Frees the mode's graphs. */
  @Override
  void close();
}
