package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ImageRef;
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
 * The task-instruction contract as {@link Check}s. Used by {@link TaskInstructionContractSuite} and
 * {@link CompatRunner}, which both check a task with an input it declares in {@link
 * TaskInstruction#accepts()}. Immutable.
 */
public final class TaskInstructionContract {

  /** Creates the task under test. */
  @FunctionalInterface
  public interface Factory {
    TaskInstruction create() throws Exception;
  }

  private final Factory factory;
  private final TaskInput sample;

  /**
   * @param sample an input the task accepts, or null to build one from the task's {@link
   *     TaskInstruction#accepts()} declaration
   */
  public TaskInstructionContract(Factory factory, TaskInput sample) {
    this.factory = factory;
    this.sample = sample;
  }

  /** A contract that checks the task with an input built from its declaration. */
  public TaskInstructionContract(Factory factory) {
    this(factory, null);
  }

  /**
   * An input that fits {@code inputs}: a text prompt with the fewest images it takes interleaved
   * (small in-memory PNGs), and a first frame if it needs one.
   */
  public static TaskInput sampleInput(TaskInputs inputs) {
    return input(inputs.minImages(), inputs.firstFrame());
  }

  private static TaskInput input(int images, boolean firstFrame) {
    List<PromptSegment> segs = new ArrayList<>();
    if (images == 0) {
      segs.add(PromptSegment.text("a red fox runs left on a green background"));
    } else {
      segs.add(PromptSegment.text("A"));
      for (int i = 0; i < images; i++) {
        if (i > 0) {
          segs.add(PromptSegment.text("and"));
        }
        segs.add(PromptSegment.image(ImageRef.ofBytes(CompatData.png(8, 8, 0xC03030 + 0x101010 * i))));
      }
      segs.add(PromptSegment.text("move left on a red background"));
    }
    return new TaskInput(segs, firstFrame ? ImageRef.ofBytes(CompatData.png(8, 8, 0x3050C0)) : null);
  }

  public List<Check> checks() {
    return List.of(
        Check.of("nameAndInstructionAreValid", "the name is a valid provider name and the instruction is not blank", this::names),
        Check.of("declaredInputIsAccepted", "validate() accepts an input that fits what accepts() declares", this::acceptsDeclared),
        Check.of("undeclaredInputIsInvalidInput", "validate() rejects an input outside what accepts() declares with InvalidInputException", this::rejectsUndeclared),
        Check.of("blankInputIsInvalidInput", "a blank input is rejected with InvalidInputException", this::blank),
        Check.of("promptStartsWithTheInstruction", "the assembled prompt starts with the instruction", this::startsWithInstruction),
        Check.of("promptKeepsTheUserInputInOrder", "the assembled prompt keeps the user's text and images in order", this::keepsInput),
        Check.of("retrievedPairsAppearExactlyWhenTheTaskRetrieves", "retrieved pairs appear in the prompt exactly when the task retrieves", this::retrieved),
        Check.of("assemblyIsDeterministic", "assembly is deterministic", this::deterministic));
  }

  private TaskInstruction task() throws Exception {
    TaskInstruction t = factory.create();
    assertThat(t).as("the factory's task").isNotNull();
    return t;
  }

  private TaskInput sample(TaskInstruction t) {
    return sample != null ? sample : sampleInput(t.accepts());
  }

  private void acceptsDeclared() throws Exception {
    TaskInstruction t = task();
    TaskInputs declared = t.accepts();
    assertThat(declared).as("accepts()").isNotNull();
    TaskInput in = sample(t);
    try {
      t.validate(in);
    } catch (InvalidInputException e) {
      throw new AssertionError(
          "task '" + t.name() + "' declares " + declared + " but validate() rejects " + describe(in) + ": " + e.getMessage()
              + "; declare what the task takes by overriding TaskInstruction.accepts()",
          e);
    }
  }

  private void rejectsUndeclared() throws Exception {
    TaskInstruction t = task();
    TaskInputs declared = t.accepts();
    List<TaskInput> outside = new ArrayList<>();
    if (declared.firstFrame()) {
      outside.add(input(declared.minImages(), false));
    } else {
      outside.add(input(declared.minImages(), true));
    }
    if (declared.minImages() > 0) {
      outside.add(input(declared.minImages() - 1, declared.firstFrame()));
    }
    if (declared.maxImages() < 8) {
      outside.add(input(declared.maxImages() + 1, declared.firstFrame()));
    }
    for (TaskInput in : outside) {
      try {
        t.validate(in);
      } catch (InvalidInputException expected) {
        continue;
      }
      throw new AssertionError(
          "task '" + t.name() + "' declares " + declared + " but validate() accepts " + describe(in)
              + "; a task must say which part of the input it cannot use instead of ignoring it");
    }
  }

  private static String describe(TaskInput in) {
    return "a text with " + in.imageCount() + " image(s) " + (in.firstFrame() == null ? "and no first frame" : "and a first frame");
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
    MultimodalPrompt p = t.assemble(sample(t), t.retrieves() ? retrievedPairs() : List.of());
    assertThat(p.segments()).isNotEmpty();
    assertThat(p.segments().get(0)).isInstanceOf(PromptSegment.Text.class);
    assertThat(((PromptSegment.Text) p.segments().get(0)).text()).startsWith(t.instruction());
  }

  private void keepsInput() throws Exception {
    TaskInstruction t = task();
    TaskInput sample = sample(t);
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
    MultimodalPrompt with = t.assemble(sample(t), retrievedPairs());
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
    TaskInput sample = sample(t);
    assertThat(t.assemble(sample, retrievedPairs())).isEqualTo(t.assemble(sample, retrievedPairs()));
  }

  private void blank() throws Exception {
    TaskInstruction t = task();
    assertThatThrownBy(() -> t.validate(new TaskInput(List.of(PromptSegment.text("  ")), null)))
        .isInstanceOf(InvalidInputException.class);
  }
}
