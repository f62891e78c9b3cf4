package dev.vimi.spi;

/**
 * The inputs a task takes, declared by {@link TaskInstruction#accepts()} so that tools (the
 * compatibility runner, a command line, a form) can build or check an input without knowing the task.
 * Every task takes a non-blank text. Immutable.
 *
 * @param minImages the fewest images the prompt must interleave with its text
 * @param maxImages the most images the prompt may interleave ({@link Integer#MAX_VALUE} for no limit)
 * @param firstFrame whether the task needs a first frame (video prediction); a task that does not
 *     declare one rejects an input that has one
 */
public record TaskInputs(int minImages, int maxImages, boolean firstFrame) {
  /** Text only: no images, no first frame (text-to-video). */
  public static final TaskInputs TEXT = new TaskInputs(0, 0, false);

  /** Text with one or more interleaved images (subject-driven generation). */
  public static final TaskInputs TEXT_AND_IMAGES = new TaskInputs(1, Integer.MAX_VALUE, false);

  /** Text and a first frame (video prediction). */
  public static final TaskInputs TEXT_AND_FIRST_FRAME = new TaskInputs(0, 0, true);

  public TaskInputs {
    if (minImages < 0 || maxImages < minImages) {
      throw new IllegalArgumentException(
          "need 0 <= minImages <= maxImages but minImages is " + minImages + " and maxImages " + maxImages);
    }
  }
}
