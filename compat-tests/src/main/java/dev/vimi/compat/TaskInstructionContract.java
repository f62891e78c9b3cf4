package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import java.util.List;

/** The task-instruction contract as {@link Check}s. */
public final class TaskInstructionContract {

  /** Creates the task under test. */
  @FunctionalInterface
  public interface Factory {
    TaskInstruction create() throws Exception;
  }

  private final Factory factory;
  private final TaskInput sample;

  public TaskInstructionContract(Factory factory, TaskInput sample) {
    this.factory = factory;
    this.sample = sample;
  }

  public List<Check> checks() {
    return List.of(
        new Check("the name is a valid provider name and the instruction is not blank", this::names),
        new Check("the assembled prompt starts with the instruction", this::startsWithInstruction),
        new Check("the assembled prompt keeps the user's text and images in order", this::keepsInput),
        new Check("retrieved pairs appear in the prompt exactly when the task retrieves", this::retrieved),
        new Check("assembly is deterministic", this::deterministic),
        new Check("a blank input is rejected with InvalidInputException", this::blank));
  }

  private TaskInstruction task() throws Exception {
    TaskInstruction t = factory.create();
    assertThat(t).as("factory returned null").isNotNull();
    t.validate(sample);
    return t;
  }

  static List<RetrievedItem> retrievedPairs() {
    return List.of(
        new RetrievedItem("r1", "a green parrot on a branch", ImageRef.ofBytes(CompatData.png(8, 8, 0x20C040)), 7.5f),
        new RetrievedItem("r2", "a parrot flying over the sea", ImageRef.ofBytes(CompatData.png(8, 8, 0x2060E0)), 5.25f));
  }

  private void names() throws Exception {
    TaskInstruction t = task();
    assertThat(t.name()).matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    assertThat(t.instruction()).isNotBlank();
  }

  private void startsWithInstruction() throws Exception {
    TaskInstruction t = task();
    MultimodalPrompt p = t.assemble(sample, t.retrieves() ? retrievedPairs() : List.of());
    assertThat(p.segments()).isNotEmpty();
    assertThat(p.segments().get(0)).isInstanceOf(PromptSegment.Text.class);
    assertThat(((PromptSegment.Text) p.segments().get(0)).text()).startsWith(t.instruction());
  }

  private void keepsInput() throws Exception {
    TaskInstruction t = task();
    MultimodalPrompt p = t.assemble(sample, List.of());
    String text = p.toPlaceholderText();
    int from = 0;
    for (PromptSegment s : sample.prompt()) {
      if (s instanceof PromptSegment.Text tx && !tx.text().isBlank()) {
        int at = text.indexOf(tx.text().strip(), from);
        assertThat(at).as("user text '%s' in order in '%s'", tx.text(), text).isGreaterThanOrEqualTo(0);
        from = at;
      }
    }
    List<ImageRef> userImages = new MultimodalPrompt(sample.prompt()).images();
    List<ImageRef> images = p.images();
    if (!userImages.isEmpty()) {
      assertThat(images).as("user images kept in order").containsSubsequence(userImages);
    }
    if (sample.firstFrame() != null) {
      assertThat(images).as("the first frame is part of the prompt").contains(sample.firstFrame());
    }
  }

  private void retrieved() throws Exception {
    TaskInstruction t = task();
    MultimodalPrompt with = t.assemble(sample, retrievedPairs());
    String text = with.toPlaceholderText();
    if (t.retrieves()) {
      for (RetrievedItem r : retrievedPairs()) {
        assertThat(text).contains(r.caption());
        assertThat(with.images()).contains(r.image());
      }
    } else {
      for (RetrievedItem r : retrievedPairs()) {
        assertThat(text).doesNotContain(r.caption());
      }
    }
  }

  private void deterministic() throws Exception {
    TaskInstruction t = task();
    assertThat(t.assemble(sample, retrievedPairs())).isEqualTo(t.assemble(sample, retrievedPairs()));
  }

  private void blank() throws Exception {
    TaskInstruction t = task();
    assertThatThrownBy(() -> t.validate(new TaskInput(List.of(PromptSegment.text("  ")), null)))
        .isInstanceOf(InvalidInputException.class);
  }
}
