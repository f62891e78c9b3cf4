package dev.vimi.spi;

/**
 * Turns an interleaved multimodal prompt into the conditioning C of the video denoiser (ViMi
 * section 3.2: a multimodal LLM over instruction, retrieved pairs, text and images).
 *
 * <p><b>Contract</b> (checked by {@code dev.vimi.compat.ConditionEncoderContractSuite}): every
 * conditioning has shape {@code [length(), dim()]}; encoding is deterministic; different prompts
 * give different conditionings; {@link #empty()} has the same shape and marks the unconditional
 * branch of classifier-free guidance; a blank prompt is an {@link InvalidInputException}.
 *
 * <p><b>Thread-safety.</b> Implementations must be safe for concurrent use. <b>Ownership.</b>
 * Returned conditionings are immutable and owned by the caller; the encoder is closed by whoever
 * created it.
 */
public interface ConditionEncoder extends AutoCloseable {

  /** Encodes one prompt. Blocks while the network runs. */
  Conditioning encode(MultimodalPrompt prompt);

  /** The empty conditioning for the unconditional branch of classifier-free guidance. */
  Conditioning empty();

  /** Fixed sequence length L of every conditioning. */
  int length();

  /** Token dimension D. */
  int dim();

  @Override
  void close();
}
