package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input gets an exception whose message says what was wrong and how to fix it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
  private MllmConditionEncoder late;

  @BeforeAll
  void open() {
    late = TestModels.open(TestModels.late());
  }

  @AfterAll
  void close() {
    late.close();
  }

  private static MultimodalPrompt withImage(ImageRef image) {
    return MultimodalPrompt.of(PromptSegment.text("a"), PromptSegment.image(image), PromptSegment.text("runs"));
  }

  private static String words(int n) {
    return "word ".repeat(n).strip();
  }

  // ---- images

  @Test
  void notAnImage() {
    ImageRef text = ImageRef.ofBytes("hello, world".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> late.encode(withImage(text)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 1 (<12 bytes>) is not a PNG, JPEG or WebP image")
        .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("image"));
  }

  @Test
  void decompressionBombPng() {
    ImageRef bomb = ImageRef.ofBytes(ImagePreprocessingTest.pngHeaderOnly(50_000, 50_000));
    assertThatThrownBy(() -> late.encode(withImage(bomb)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("50000x50000")
        .hasMessageContaining("more than the limit of 40,000,000")
        .hasMessageContaining("refused before decoding")
        .hasMessageContaining("raise the limit (max_image_pixels)");
  }

  @Test
  void aCmykOrYcckPhotoGivesTheSameConditioningThroughTheApiAsThroughTheCli() {
    // the command line reads images with vimi-image-io and passes pixels; the API passes the file: both
    // decode through the same library, so a CMYK photo works both ways and gives the same tokens
    for (String name : new String[] {"cmyk.jpg", "ycck.jpg"}) {
      Conditioning byFile = late.encode(withImage(TestModels.image(name)));
      Conditioning byBytes = late.encode(withImage(ImageRef.ofBytes(TestModels.bytes(name))));
      ImageRef.OfPixels cliPixels = dev.vimi.image.ImageLoader.withDefaultLimits().readPixels(TestModels.image(name));
      Conditioning byPixels = late.encode(withImage(cliPixels));
      assertThat(byBytes.tokens().toArray()).as(name).isEqualTo(byFile.tokens().toArray());
      assertThat(byPixels.tokens().toArray()).as(name).isEqualTo(byFile.tokens().toArray());
    }
  }

  @Test
  void pixelsOverTheLimitAreRefusedLikeEncodedImages() {
    try (MllmConditionEncoder tight = TestModels.open(TestModels.late("max_image_pixels", "100"))) {
      assertThatThrownBy(() -> tight.encode(withImage(new ImageRef.OfPixels(20, 10, new int[200]))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("image 1 (<20x10 pixels>) is 20x10 = 200 pixels, more than the limit of 100")
          .hasMessageContaining("max_image_pixels");
      assertThatThrownBy(() -> tight.encode(withImage(TestModels.image("rgba.png"))))
          .hasMessageContaining("is 70x50 = 3,500 pixels, more than the limit of 100; it was refused before decoding");
    }
  }

  @Test
  void missingFileAndRemoteUri() {
    assertThatThrownBy(() -> late.encode(withImage(ImageRef.of(Path.of("/no/such/picture.png")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image 1 (/no/such/picture.png) does not exist");
    assertThatThrownBy(() -> late.encode(withImage(ImageRef.of(URI.create("https://example.com/cat.png")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'https:' URI")
        .hasMessageContaining("never downloads");
  }

  @Test
  void aFileUriIsRead() {
    Conditioning byUri = late.encode(withImage(ImageRef.of(TestModels.file("rgba.png").toUri())));
    Conditioning byPath = late.encode(withImage(TestModels.image("rgba.png")));
    assertThat(byUri.tokens().toArray()).isEqualTo(byPath.tokens().toArray());
  }

  // ---- placeholders

  @Test
  void moreImagesThanPlaceholders() {
    MultimodalPrompt p =
        MultimodalPrompt.of(
            PromptSegment.text("a <image> plays with a ball"),
            PromptSegment.image(TestModels.image("rgba.png")),
            PromptSegment.image(TestModels.image("gray.png")));
    assertThatThrownBy(() -> late.encode(p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the text holds 1 '<image>' placeholder(s) but the prompt has 2 image(s)");
  }

  @Test
  void morePlaceholdersThanImages() {
    MultimodalPrompt p =
        MultimodalPrompt.of(PromptSegment.text("<image> and <image> dance"), PromptSegment.image(TestModels.image("rgba.png")));
    assertThatThrownBy(() -> late.layout(p))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the text holds 2 '<image>' placeholder(s) but the prompt has 1 image(s)");
    MultimodalPrompt none = MultimodalPrompt.of(PromptSegment.text("a <image> without its picture"));
    assertThatThrownBy(() -> late.encode(none)).hasMessageContaining("holds 1 '<image>' placeholder(s) but the prompt has 0 image(s)");
  }

  @Test
  void placeholdersCanBeReadAsPlainText() {
    try (MllmConditionEncoder plain = TestModels.open(TestModels.late("text_placeholders", "false"))) {
      TokenLayout l = plain.layout(MultimodalPrompt.of(PromptSegment.text("a <image> here")));
      assertThat(l.images()).isZero();
      assertThat(l.strings()).containsExactly("[CLS]", "a", "<", "image", ">", "here", "[SEP]");
    }
  }

  // ---- length

  @Test
  void longerThanTheConditioningLength() {
    // 200 words + [CLS] + [SEP] = 202 positions, L = 128
    assertThatThrownBy(() -> late.encode(MultimodalPrompt.of(PromptSegment.text(words(200)))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the prompt needs 202 positions (200 text tokens, 2 special tokens, 0 image(s) x 16 image tokens)")
        .hasMessageContaining("the conditioning holds 128 (configuration key length)")
        .hasMessageContaining("truncation=truncate");
  }

  @Test
  void longerThanTheLanguageModelsMaximum() {
    try (MllmConditionEncoder wide = TestModels.open(TestModels.late("model.length", "2048"))) {
      assertThatThrownBy(() -> wide.encode(MultimodalPrompt.of(PromptSegment.text(words(600)))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("the prompt needs 602 language-model tokens")
          .hasMessageContaining("the language model takes at most 512 (configuration key max_tokens)");
      // 510 words fit exactly
      assertThat(wide.encode(MultimodalPrompt.of(PromptSegment.text(words(510)))).validTokens()).isEqualTo(512);
    }
  }

  @Test
  void truncationCutsTheEndAndKeepsTheClosingToken() {
    try (MllmConditionEncoder cut = TestModels.open(TestModels.late("truncation", "truncate"))) {
      TokenLayout l = cut.layout(MultimodalPrompt.of(PromptSegment.text(words(200))));
      assertThat(l.expandedLength()).isEqualTo(128);
      assertThat(l.strings().get(0)).isEqualTo("[CLS]");
      assertThat(l.strings().get(127)).isEqualTo("[SEP]");
      assertThat(cut.encode(MultimodalPrompt.of(PromptSegment.text(words(200)))).validTokens()).isEqualTo(128);
      // an image that does not fit goes whole: 120 words + [CLS] [SEP] = 122, one image would make 138
      MultimodalPrompt p =
          MultimodalPrompt.of(PromptSegment.text(words(120)), PromptSegment.image(TestModels.image("rgba.png")));
      TokenLayout withImage = cut.layout(p);
      assertThat(withImage.images()).isZero();
      assertThat(withImage.expandedLength()).isEqualTo(122);
    }
  }

  // ---- empty prompts

  @Test
  void emptyPrompts() {
    assertThatThrownBy(() -> late.encode(MultimodalPrompt.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the prompt is empty");
    assertThatThrownBy(() -> late.encode(MultimodalPrompt.of(PromptSegment.text(" \t\n "), PromptSegment.text(""))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("the prompt is empty");
    // not blank to Java, but the tokenizer's normaliser drops control characters
    assertThatThrownBy(() -> late.encode(MultimodalPrompt.of(PromptSegment.text("\u0001\u0002"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("gives no token");
  }

  // ---- configuration

  @Test
  void aTokenizerJsonThatDoesNotParse(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("tokenizer.json");
    Files.writeString(broken, "{ \"version\": \"1.0\", \"model\": [ oops");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.tokenizer", broken.toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(broken.toString())
        .hasMessageContaining("is not a valid Hugging Face tokenizer.json")
        .hasMessageContaining("model.tokenizer");
    Files.writeString(broken, "{}");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.tokenizer", broken.toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is not a valid Hugging Face tokenizer.json");
  }

  @Test
  void missingAndWrongKeys() {
    assertThatThrownBy(() -> TestModels.open(TestModels.early("model.tokenizer", null)))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("missing configuration key 'model.tokenizer'");
    assertThatThrownBy(() -> TestModels.open(TestModels.early("model.embeddings", null)))
        .hasMessageContaining("missing configuration key 'model.embeddings' (the language model's input-embedding graph, needed by early fusion)");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.fusion", "middle")))
        .hasMessageContaining("'model.fusion' is 'middle' but must be one of early, late");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.vision", "nope.onnx")))
        .hasMessageContaining("'model.vision' names the file")
        .hasMessageContaining("nope.onnx, which does not exist");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.projector", null)))
        .hasMessageContaining("model.vision and model.projector go together");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.image_mean", "0.5,0.5")))
        .hasMessageContaining("must hold 3 numbers");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("background", "pink")))
        .hasMessageContaining("'background' must be a colour like #FFFFFF");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.lm_preset", "gpt-5")))
        .hasMessageContaining("the only preset is 'all-minilm-l6-v2-q'");
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.lm", "classpath:no/such/model.onnx")))
        .hasMessageContaining("names the class path resource 'no/such/model.onnx', which is not on the class path");
  }

  @Test
  void graphsThatDoNotFit() {
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.dim", "512")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'model.dim' is 512 but the fusion network returns 384-wide token states");
    // the early projector (64 wide) with MiniLM (384 wide)
    assertThatThrownBy(() -> TestModels.open(TestModels.late("model.projector", "projector_early.onnx")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the projector (model.projector) returns 64-wide tokens but the language model's hidden states are 384 wide");
    // a graph with the wrong inputs in the LM's place
    assertThatThrownBy(() -> TestModels.open(TestModels.early("model.lm", "fusion_late.onnx")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("has inputs [hidden_states, attention_mask, modality_ids] but this encoder feeds [inputs_embeds]");
    // a graph that takes floats where the embedding graph takes token ids: the test run fails
    assertThatThrownBy(() -> TestModels.open(TestModels.early("model.embeddings", "projector_late.onnx")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the graphs do not work together (a test run failed)")
        .hasMessageContaining("the input-embedding graph");
    // not a graph at all
    assertThatThrownBy(() -> TestModels.open(TestModels.early("model.lm", "toy_tokenizer.json")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot load the language model graph from")
        .hasMessageContaining("check that the file is a valid ONNX model");
  }

  @Test
  void imagesNeedAVisionTower() {
    try (MllmConditionEncoder textOnly =
        TestModels.open(TestModels.late("model.vision", null, "model.projector", null))) {
      assertThat(textOnly.tokensPerImage()).isZero();
      assertThat(textOnly.encode(MultimodalPrompt.of(PromptSegment.text("a cat"))).validTokens()).isEqualTo(4);
      assertThatThrownBy(() -> textOnly.encode(withImage(TestModels.image("rgba.png"))))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("this encoder has no vision tower");
    }
  }

  @Test
  void closedEncoder() {
    MllmConditionEncoder e = TestModels.open(TestModels.early());
    e.close();
    e.close(); // idempotent
    assertThatThrownBy(() -> e.encode(MultimodalPrompt.of(PromptSegment.text("a cat"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(e.empty().validTokens()).isZero();
    assertThat(List.of(e.length(), e.dim())).containsExactly(96, 64);
  }
}
