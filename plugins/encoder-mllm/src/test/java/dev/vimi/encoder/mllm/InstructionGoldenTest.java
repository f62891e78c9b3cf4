package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Golden token sequences: for one request of each of the three ViMi tasks, the exact tokens the real
 * MiniLM tokenizer produces and the place of every image slot. The prompts are built the way the
 * built-in tasks build them (paper, section 3.3): the instruction first, then
 *
 * <ul>
 *   <li>subject-driven: the user's text with its images between the words;
 *   <li>video prediction: the text, then the {@code <image>} of the first frame after it;
 *   <li>text-to-video: the retrieved pairs, each as {@code <image>} then its caption, before the
 *       user's text.
 * </ul>
 *
 * The ids were checked against the vocabulary of all-minilm-l6-v2-q-tokenizer.json.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstructionGoldenTest {
  static final String SUBJECT = "Generate a video with the text and image interleaved prompt.";
  static final String PREDICT = "Generate a video with the following text and first frame.";
  static final String T2V = "Generate a video with the retrieved text-image examples and text prompt.";

  private MllmConditionEncoder encoder;
  private final ImageRef subjectImage = TestModels.image("rgba.png");
  private final ImageRef firstFrame = TestModels.image("photo.jpg");
  private final ImageRef retrieved1 = TestModels.image("rgba.webp");
  private final ImageRef retrieved2 = TestModels.image("gray.png");

  @BeforeAll
  void open() {
    encoder = TestModels.open(TestModels.late());
  }

  @AfterAll
  void close() {
    encoder.close();
  }

  MultimodalPrompt subject() {
    return MultimodalPrompt.of(
        PromptSegment.text(SUBJECT),
        PromptSegment.text("A"),
        PromptSegment.image(subjectImage),
        PromptSegment.text("is sitting in front of a computer and talking to the camera."));
  }

  MultimodalPrompt predict() {
    return MultimodalPrompt.of(
        PromptSegment.text(PREDICT),
        PromptSegment.text("The red car drives along the coast at sunset."),
        PromptSegment.image(firstFrame));
  }

  MultimodalPrompt textToVideo() {
    return MultimodalPrompt.of(
        PromptSegment.text(T2V),
        PromptSegment.image(retrieved1),
        PromptSegment.text("a corgi running on a beach"),
        PromptSegment.image(retrieved2),
        PromptSegment.text("waves crashing at dusk"),
        PromptSegment.text("A dog plays in the surf."));
  }

  @Test
  void subjectDriven() {
    TokenLayout l = encoder.layout(subject());
    assertThat(l.strings())
        .containsExactly(
            "[CLS]", "generate", "a", "video", "with", "the", "text", "and", "image", "inter", "##lea", "##ved",
            "prompt", ".", "a", "<image>", "is", "sitting", "in", "front", "of", "a", "computer", "and", "talking",
            "to", "the", "camera", ".", "[SEP]");
    assertThat(l.ids())
        .containsExactly(
            101L, 9699L, 1037L, 2678L, 2007L, 1996L, 3793L, 1998L, 3746L, 6970L, 19738L, 7178L, 25732L, 1012L,
            1037L, -1L, 2003L, 3564L, 1999L, 2392L, 1997L, 1037L, 3274L, 1998L, 3331L, 2000L, 1996L, 4950L, 1012L,
            102L);
    assertThat(l.tokens().get(15)).isEqualTo(new TokenLayout.ImageSlot(0));
    assertThat(l.expandedLength()).isEqualTo(29 + 16);
    assertThat(encoder.encode(subject()).validTokens()).isEqualTo(29 + 16);
  }

  @Test
  void videoPredictionPutsTheFirstFrameAfterTheText() {
    TokenLayout l = encoder.layout(predict());
    assertThat(l.strings())
        .containsExactly(
            "[CLS]", "generate", "a", "video", "with", "the", "following", "text", "and", "first", "frame", ".",
            "the", "red", "car", "drives", "along", "the", "coast", "at", "sunset", ".", "<image>", "[SEP]");
    assertThat(l.ids())
        .containsExactly(
            101L, 9699L, 1037L, 2678L, 2007L, 1996L, 2206L, 3793L, 1998L, 2034L, 4853L, 1012L, 1996L, 2417L,
            2482L, 9297L, 2247L, 1996L, 3023L, 2012L, 10434L, 1012L, -1L, 102L);
    Conditioning c = encoder.encode(predict());
    assertThat(c.validTokens()).isEqualTo(23 + 16);
  }

  @Test
  void textToVideoPutsTheRetrievedPairsBeforeTheUserText() {
    TokenLayout l = encoder.layout(textToVideo());
    assertThat(l.strings())
        .containsExactly(
            "[CLS]", "generate", "a", "video", "with", "the", "retrieved", "text", "-", "image", "examples", "and",
            "text", "prompt", ".", "<image>", "a", "co", "##rg", "##i", "running", "on", "a", "beach", "<image>",
            "waves", "crashing", "at", "dusk", "a", "dog", "plays", "in", "the", "surf", ".", "[SEP]");
    assertThat(l.ids())
        .containsExactly(
            101L, 9699L, 1037L, 2678L, 2007L, 1996L, 5140L, 3793L, 1011L, 3746L, 4973L, 1998L, 3793L, 25732L,
            1012L, -1L, 1037L, 2522L, 10623L, 2072L, 2770L, 2006L, 1037L, 3509L, -1L, 5975L, 12894L, 2012L,
            18406L, 1037L, 3899L, 3248L, 1999L, 1996L, 14175L, 1012L, 102L);
    assertThat(l.tokens().get(15)).isEqualTo(new TokenLayout.ImageSlot(0));
    assertThat(l.tokens().get(24)).isEqualTo(new TokenLayout.ImageSlot(1));
    assertThat(encoder.encode(textToVideo()).validTokens()).isEqualTo(35 + 2 * 16);
  }

  @Test
  void theTextFormGivesTheSameSequence() {
    // the same text-to-video prompt written as one text with placeholders and its images after it
    MultimodalPrompt textForm =
        MultimodalPrompt.of(
            PromptSegment.text(T2V + " <image> a corgi running on a beach <image> waves crashing at dusk A dog plays in the surf."),
            PromptSegment.image(retrieved1),
            PromptSegment.image(retrieved2));
    assertThat(encoder.layout(textForm)).isEqualTo(encoder.layout(textToVideo()));
    assertThat(encoder.encode(textForm).tokens().toArray()).isEqualTo(encoder.encode(textToVideo()).tokens().toArray());
  }

  @Test
  void theLayoutReadsLikeThePlaceholderText() {
    // what MultimodalPrompt.toPlaceholderText() shows is what the tokenizer saw, word for word
    for (MultimodalPrompt p : List.of(subject(), predict(), textToVideo())) {
      String words = String.join(" ", encoder.layout(p).strings()).replace(" ##", "");
      String expected = "[CLS] " + p.toPlaceholderText().toLowerCase(java.util.Locale.ROOT)
          .replace(".", " .").replace("-", " - ").replaceAll("\\s+", " ").strip() + " [SEP]";
      assertThat(words).isEqualTo(expected);
    }
  }
}
