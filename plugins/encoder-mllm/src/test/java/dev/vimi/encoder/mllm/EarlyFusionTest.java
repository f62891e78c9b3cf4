package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Conditioning;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Early fusion end to end against PyTorch: the export script computed, for one subject-driven
 * prompt, the toy LM's hidden states with the projected features of rgba.png in place of the image
 * slot's input embeddings. The encoder must give the same tokens and the same states.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EarlyFusionTest {
  static final float TOLERANCE = 1e-4f;
  private MllmConditionEncoder encoder;

  static MultimodalPrompt paperPrompt() {
    return MultimodalPrompt.of(
        PromptSegment.text("Generate a video with the text and image interleaved prompt."),
        PromptSegment.text("A"),
        PromptSegment.image(TestModels.image("rgba.png")),
        PromptSegment.text("is sitting in front of a computer and talking to the camera."));
  }

  @BeforeAll
  void open() {
    encoder = TestModels.open(TestModels.early());
  }

  @AfterAll
  void close() {
    encoder.close();
  }

  @Test
  void tokensAreThoseOfThePythonReference() {
    Properties p = TestModels.expected();
    TokenLayout layout = encoder.layout(paperPrompt());
    List<String> expanded = new java.util.ArrayList<>();
    for (String s : layout.strings()) {
      if (s.equals(TokenLayout.IMAGE_SLOT)) {
        for (int i = 0; i < layout.tokensPerImage(); i++) {
          expanded.add("<image>");
        }
      } else {
        expanded.add(s);
      }
    }
    assertThat(String.join(" ", expanded)).isEqualTo(p.getProperty("early.tokens"));
    long[] pythonIds = Arrays.stream(p.getProperty("early.ids").split(",")).mapToLong(Long::parseLong).toArray();
    int at = 0;
    for (TokenLayout.Token t : layout.tokens()) {
      if (t instanceof TokenLayout.Text x) {
        assertThat(x.id()).as("id at position " + at).isEqualTo(pythonIds[at]);
        at++;
      } else {
        at += layout.tokensPerImage();
      }
    }
    assertThat(at).isEqualTo(pythonIds.length);
  }

  @Test
  void statesMatchPyTorch() {
    Conditioning c = encoder.encode(paperPrompt());
    float[] expected = TestModels.floats("early_out.bin");
    int n = expected.length / 64;
    assertThat(c.validTokens()).isEqualTo(n);
    assertThat(c.length()).isEqualTo(96);
    assertThat(c.dim()).isEqualTo(64);
    float[] all = c.tokens().toArray();
    float diff = TestModels.maxAbsDiff(Arrays.copyOf(all, n * 64), expected);
    System.out.println("early fusion: max |encoder - torch| = " + diff);
    assertThat(diff).isLessThanOrEqualTo(TOLERANCE);
    // the padding is zero and masked out
    for (int i = n * 64; i < all.length; i++) {
      assertThat(all[i]).isZero();
    }
    float[] mask = c.mask().toArray();
    for (int i = 0; i < mask.length; i++) {
      assertThat(mask[i]).isEqualTo(i < n ? 1f : 0f);
    }
  }

  @Test
  void theImageReallyEntersThroughItsSlot() {
    // the same words with a different picture: every position changes (attention mixes the image in)
    MultimodalPrompt other =
        MultimodalPrompt.of(
            PromptSegment.text("Generate a video with the text and image interleaved prompt."),
            PromptSegment.text("A"),
            PromptSegment.image(TestModels.image("gray.png")),
            PromptSegment.text("is sitting in front of a computer and talking to the camera."));
    float[] a = encoder.encode(paperPrompt()).tokens().toArray();
    float[] b = encoder.encode(other).tokens().toArray();
    assertThat(TestModels.maxAbsDiff(Arrays.copyOf(a, 64), Arrays.copyOf(b, 64))).as("first position").isGreaterThan(1e-3f);
  }
}
