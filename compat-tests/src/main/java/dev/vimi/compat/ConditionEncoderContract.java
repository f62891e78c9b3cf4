package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The condition-encoder contract as {@link Check}s. Used by {@link ConditionEncoderContractSuite} and
 * {@link CompatRunner}. Owns the encoder it creates.
 */
public final class ConditionEncoderContract implements AutoCloseable {

  /** Creates the encoder under test. */
  @FunctionalInterface
  public interface Factory {
    ConditionEncoder create() throws Exception;
  }

  private final Factory factory;
  private final boolean images;
  private ConditionEncoder encoder;

  public ConditionEncoderContract(Factory factory, boolean supportsImages) {
    this.factory = factory;
    this.images = supportsImages;
  }

  private ConditionEncoder encoder() throws Exception {
    if (encoder == null) {
      encoder = factory.create();
      assertThat(encoder).as("factory returned null").isNotNull();
    }
    return encoder;
  }

  static MultimodalPrompt text(String s) {
    return MultimodalPrompt.of(PromptSegment.text(s));
  }

  static ImageRef image(int rgb) {
    return ImageRef.ofBytes(CompatData.png(32, 32, rgb));
  }

  public List<Check> checks() {
    return List.of(
        Check.of("conditioningsHaveShapeAndBinaryMask", "conditionings have shape [length, dim] and a 0/1 mask", this::shapes),
        Check.of("emptyConditioningHasZeroMask", "the empty conditioning has the same shape and an all-zero mask", this::empty),
        Check.of("encodingIsDeterministic", "the same prompt gives the same conditioning", this::deterministic),
        Check.of("differentPromptsDiffer", "different prompts give different conditionings", this::differs),
        Check.of("blankPromptIsInvalidInput", "a blank prompt is rejected with InvalidInputException", this::blank),
        Check.race("concurrentEncodesAgreeWithSingleThreaded", "encodes from many threads at once equal the single-threaded one (the encoder is thread-safe)", this::concurrent),
        Check.of("imagesChangeTheConditioning", "an image changes the conditioning, and different images differ", this::imagesMatter));
  }

  private void shapes() throws Exception {
    ConditionEncoder e = encoder();
    assertThat(e.length()).as("length()").isPositive();
    assertThat(e.dim()).as("dim()").isPositive();
    Conditioning c = e.encode(text("Generate a video with the retrieved text-image examples and text prompt. a red cat"));
    assertThat(c.tokens().shape()).containsExactly(e.length(), e.dim());
    assertThat(c.mask().shape()).containsExactly(e.length());
    for (float m : c.mask().toArray()) {
      assertThat(m).as("mask values").isIn(0f, 1f);
    }
    assertThat(c.validTokens()).as("valid tokens of a non-empty prompt").isPositive();
  }

  private void empty() throws Exception {
    ConditionEncoder e = encoder();
    Conditioning u = e.empty();
    assertThat(u.tokens().shape()).containsExactly(e.length(), e.dim());
    assertThat(u.validTokens()).as("valid tokens of empty()").isZero();
  }

  private void deterministic() throws Exception {
    ConditionEncoder e = encoder();
    MultimodalPrompt p = text("a small dog surfing a big wave at sunset");
    assertThat(e.encode(p).tokens().toArray()).isEqualTo(e.encode(p).tokens().toArray());
  }

  private void differs() throws Exception {
    ConditionEncoder e = encoder();
    float[] a = e.encode(text("a red cat sleeps on a sofa")).tokens().toArray();
    float[] b = e.encode(text("a blue rocket flies over the moon")).tokens().toArray();
    assertThat(a).isNotEqualTo(b);
  }

  private void blank() throws Exception {
    ConditionEncoder e = encoder();
    assertThatThrownBy(() -> e.encode(text("   "))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> e.encode(new MultimodalPrompt(List.of()))).isInstanceOf(InvalidInputException.class);
  }

  private void concurrent() throws Exception {
    ConditionEncoder e = encoder();
    MultimodalPrompt p = text("a green dragon flies over a castle at night");
    float[] expected = e.encode(p).tokens().toArray();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[]>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> e.encode(p).tokens().toArray()));
      }
      for (Future<float[]> f : fs) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void imagesMatter() throws Exception {
    assumeTrue(images, "the encoder declares that it takes no images");
    ConditionEncoder e = encoder();
    MultimodalPrompt plain = MultimodalPrompt.of(PromptSegment.text("a"), PromptSegment.text("moves left"));
    MultimodalPrompt red =
        MultimodalPrompt.of(PromptSegment.text("a"), PromptSegment.image(image(0xD02020)), PromptSegment.text("moves left"));
    MultimodalPrompt blue =
        MultimodalPrompt.of(PromptSegment.text("a"), PromptSegment.image(image(0x2040D0)), PromptSegment.text("moves left"));
    float[] p = e.encode(plain).tokens().toArray();
    float[] r = e.encode(red).tokens().toArray();
    float[] b = e.encode(blue).tokens().toArray();
    assertThat(r).as("with image vs without").isNotEqualTo(p);
    assertThat(r).as("red vs blue image").isNotEqualTo(b);
  }

  @Override
  public void close() {
    if (encoder != null) {
      encoder.close();
      encoder.close();
      encoder = null;
    }
  }
}
