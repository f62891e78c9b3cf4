package dev.vimi.api.internal.tasks;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInputs;
import dev.vimi.spi.TaskInstruction;
import java.util.ArrayList;
import java.util.List;

/**
 * The three tasks of ViMi's multimodal instruction tuning (section 3.3), with the paper's instruction
 * strings verbatim. Immutable.
 */
public final class PaperTask implements TaskInstruction {
  private enum Kind { SUBJECT, PREDICT, T2V }

  /** Subject-driven generation: text and images interleaved where the user placed them. */
  public static final PaperTask SUBJECT =
      new PaperTask(Kind.SUBJECT, "subject", "Generate a video with the text and image interleaved prompt.", false);
  /** Video prediction: the text, then the first frame's image slot after it. */
  public static final PaperTask PREDICT =
      new PaperTask(Kind.PREDICT, "predict", "Generate a video with the following text and first frame.", false);
  /** Text-to-video: the retrieved image-text pairs precede the user's text. */
  public static final PaperTask T2V =
      new PaperTask(Kind.T2V, "t2v", "Generate a video with the retrieved text-image examples and text prompt.", true);

  private final Kind kind;
  private final String taskName;
  private final String instruction;
  private final boolean retrieves;

  private PaperTask(Kind kind, String name, String instruction, boolean retrieves) {
    this.kind = kind;
    this.taskName = name;
    this.instruction = instruction;
    this.retrieves = retrieves;
  }

  @Override
  public String name() {
    return taskName;
  }

  @Override
  public String instruction() {
    return instruction;
  }

  @Override
  public boolean retrieves() {
    return retrieves;
  }

  @Override
  public TaskInputs accepts() {
    return switch (kind) {
      case SUBJECT -> TaskInputs.TEXT_AND_IMAGES;
      case PREDICT -> TaskInputs.TEXT_AND_FIRST_FRAME;
      case T2V -> TaskInputs.TEXT;
    };
  }

  @Override
  public void validate(TaskInput input) {
    boolean text = !input.text().isBlank();
    int images = input.imageCount();
    switch (kind) {
      case SUBJECT -> {
        if (images == 0) {
          throw new InvalidInputException(
              "images", "the subject task needs at least one image in the prompt: put <image> where the subject stands and give its image");
        }
        if (!text) {
          throw new InvalidInputException("prompt", "the subject task needs text around the image(s), e.g. 'A <image> moves left'");
        }
        noFirstFrame(input);
      }
      case PREDICT -> {
        if (!text) {
          throw new InvalidInputException("prompt", "the predict task needs a text prompt describing the video");
        }
        if (images > 0) {
          throw new InvalidInputException(
              "images", "the predict task takes text and a first frame only; remove the <image> placeholders (or use the subject task)");
        }
        if (input.firstFrame() == null) {
          throw new InvalidInputException("first_frame", "the predict task needs a first frame image");
        }
      }
      case T2V -> {
        if (!text) {
          throw new InvalidInputException("prompt", "the t2v task needs a text prompt");
        }
        if (images > 0) {
          throw new InvalidInputException(
              "images", "the t2v task takes text only; to place images in the prompt use the subject task");
        }
        noFirstFrame(input);
      }
    }
  }

  private void noFirstFrame(TaskInput input) {
    if (input.firstFrame() != null) {
      throw new InvalidInputException("first_frame", "only the predict task takes a first frame, not '" + taskName + "'");
    }
  }

  @Override
  public MultimodalPrompt assemble(TaskInput input, List<RetrievedItem> retrieved) {
    List<PromptSegment> segs = new ArrayList<>();
    segs.add(PromptSegment.text(instruction));
    switch (kind) {
      case SUBJECT -> segs.addAll(input.prompt());
      case PREDICT -> {
        segs.add(PromptSegment.text(input.text()));
        segs.add(PromptSegment.image(input.firstFrame()));
      }
      case T2V -> {
        for (RetrievedItem r : retrieved) {
          if (r.image() != null) {
            segs.add(PromptSegment.image(r.image()));
          }
          // a caption is text: a literal "<image>" in it must not be read as an image slot
          segs.add(PromptSegment.text(r.caption().replace(PromptSegment.IMAGE_PLACEHOLDER, "image")));
        }
        segs.add(PromptSegment.text(input.text()));
      }
    }
    return new MultimodalPrompt(segs);
  }

  @Override
  public String toString() {
    return taskName;
  }
}
