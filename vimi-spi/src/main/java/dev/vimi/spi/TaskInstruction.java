package dev.vimi.spi;

import java.util.List;

/**
 * A generation task of multimodal instruction tuning (ViMi section 3.3): it names the instruction
 * text prepended to the prompt, says whether the prompt is augmented by retrieval, and assembles the
 * interleaved prompt the condition encoder sees.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface TaskInstruction {

  /** The stable task name, e.g. {@code "t2v"}. */
  String name();

  /** The instruction text prepended to every prompt of this task. */
  String instruction();

  /** True if the pipeline retrieves image-text pairs for this task before assembling the prompt. */
  boolean retrieves();

  /**
   * The inputs this task takes. Tools build inputs from it (the compatibility runner checks each task
   * with an input it declares), and {@link #validate} must accept every input that fits it and reject
   * the others. The default is text only; a task that takes images or a first frame says so.
   */
  default TaskInputs accepts() {
    return TaskInputs.TEXT;
  }

  /**
   * Checks that the input suits this task (e.g. video prediction needs a first frame).
   *
   * @throws InvalidInputException naming the field and what is expected
   */
  void validate(TaskInput input);

  /** The text the retriever is queried with. Called only if {@link #retrieves()}. */
  default String retrievalQuery(TaskInput input) {
    return input.text();
  }

  /**
   * Assembles the prompt: the instruction, the retrieved pairs (empty when retrieval is off), and the
   * user's input, in the order the model was trained with.
   */
  MultimodalPrompt assemble(TaskInput input, List<RetrievedItem> retrieved);
}
