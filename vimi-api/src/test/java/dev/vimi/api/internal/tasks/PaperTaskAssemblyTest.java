package dev.vimi.api.internal.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.TaskInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt each of the paper's tasks assembles, in the order of section 3.3. */
class PaperTaskAssemblyTest {
  private static final ImageRef SPRITE = ImageRef.ofBytes(new byte[] {1});
  private static final ImageRef FRAME = ImageRef.ofBytes(new byte[] {2});

  @Test
  void subjectKeepsImagesBetweenWords() {
    TaskInput in = new TaskInput(List.of(PromptSegment.text("A"), PromptSegment.image(SPRITE), PromptSegment.text("moves left on a red background")), null);
    PaperTask.SUBJECT.validate(in);
    assertThat(PaperTask.SUBJECT.assemble(in, List.of()).toPlaceholderText())
        .isEqualTo("Generate a video with the text and image interleaved prompt. A <image> moves left on a red background");
  }

  @Test
  void predictPutsTheFirstFrameAfterTheText() {
    TaskInput in = new TaskInput(List.of(PromptSegment.text("a ball rolls right")), FRAME);
    PaperTask.PREDICT.validate(in);
    var p = PaperTask.PREDICT.assemble(in, List.of());
    assertThat(p.toPlaceholderText()).isEqualTo("Generate a video with the following text and first frame. a ball rolls right <image>");
    assertThat(p.images()).containsExactly(FRAME);
  }

  @Test
  void textToVideoPutsRetrievedPairsBeforeTheText() {
    TaskInput in = new TaskInput(List.of(PromptSegment.text("a dog surfing")), null);
    List<RetrievedItem> hits =
        List.of(new RetrievedItem("a", "dog face", SPRITE, 3f), new RetrievedItem("b", "water wave", FRAME, 2f), new RetrievedItem("c", "surfer (text only)", null, 1f));
    var p = PaperTask.T2V.assemble(in, hits);
    assertThat(p.toPlaceholderText())
        .isEqualTo(
            "Generate a video with the retrieved text-image examples and text prompt. <image> dog face <image> water wave surfer (text only) a dog surfing");
    assertThat(p.images()).containsExactly(SPRITE, FRAME);
  }

  @Test
  void aLiteralPlaceholderInARetrievedCaptionIsNotAnImageSlot() {
    TaskInput in = new TaskInput(List.of(PromptSegment.text("a cat")), null);
    var p = PaperTask.T2V.assemble(in, List.of(new RetrievedItem("a", "the <image> tag in HTML", SPRITE, 1f)));
    assertThat(p.toPlaceholderText()).endsWith("<image> the image tag in HTML a cat");
    assertThat(p.imageCount()).isEqualTo(1);
  }

  @Test
  void tasksRejectInputsTheyCannotUse() {
    assertThatThrownBy(() -> PaperTask.SUBJECT.validate(new TaskInput(List.of(PromptSegment.text("a cat")), null)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one image");
    assertThatThrownBy(() -> PaperTask.T2V.validate(new TaskInput(List.of(PromptSegment.text("a"), PromptSegment.image(SPRITE)), null)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("use the subject task");
    assertThatThrownBy(() -> PaperTask.T2V.validate(new TaskInput(List.of(PromptSegment.text("a")), FRAME)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("only the predict task takes a first frame");
  }
}
