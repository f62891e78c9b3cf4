package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Guidance;
import dev.vimi.api.ModelSpec;
import dev.vimi.api.Plugins;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.model.ModelBundle;
import dev.vimi.backend.fixtures.VimiTinyReference;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ViMi-tiny through the whole SDK as a user runs it: the bundle's mllm encoder (real MiniLM from its
 * Maven artifact, the bundle's vision, projector and fusion graphs), the paper's subject task, the
 * ONNX Runtime denoiser, Heun with guidance and the upsampler. The committed reference case
 * (models/vimi-tiny/reference) holds the conditioning the encoder computed when the bundle was made and
 * the videos the Python reference sampler produced from it; this test checks that today's SDK computes
 * the same conditioning and, from it, the same videos. The backends' own parity tests replay the
 * recorded conditioning; this one closes the loop through the encoder.
 */
class VimiTinyEndToEndTest {
  private static final Logger LOG = LoggerFactory.getLogger(VimiTinyEndToEndTest.class);
  /** MiniLM is int8; the encoder's graphs are fp32; the same machine gives the same numbers to ~1e-6. */
  static final double CONDITIONING_TOLERANCE = 1e-4;
  /** Videos in [-1, 1] after the reference case's Heun steps (case.json) with guidance 3. */
  static final double VIDEO_TOLERANCE = 2e-3;

  private static Path repo() {
    return Path.of("").toAbsolutePath().resolve("../..").normalize();
  }

  @Test
  void theSdkReproducesTheReferenceCaseFromPromptToVideo() throws IOException {
    Path model = repo().resolve("models/vimi-tiny");
    Path caseDir = model.resolve("reference");
    JsonNode c = new JsonMapper().readTree(caseDir.resolve("case.json").toFile());
    ModelSpec spec = ModelBundle.load(model.resolve("bundle")).spec();
    int length = spec.stages().get(0).conditioningLength();
    int dim = spec.stages().get(0).conditioningDim();

    List<ImageRef> images = new ArrayList<>();
    c.get("images").forEach(p -> images.add(ImageRef.of(repo().resolve(p.asText()))));
    GenerationRequest.Builder rb =
        GenerationRequest.builder()
            .task(c.get("task").asText())
            .prompt(c.get("prompt").asText(), images.toArray(ImageRef[]::new))
            .seed(c.get("seed").asLong())
            .guidance(Guidance.constant(c.get("guidance").asDouble()));
    int[] steps = new int[c.get("steps").size()];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = c.get("steps").get(i).asInt();
    }
    rb.steps(steps);

    GenerationResult r;
    try (VimiPipeline p = VimiPipeline.builder().model(spec).denoiser("onnx", Map.of()).noRetriever().build()) {
      r = p.generate(rb.build());
    }
    assertThat(r.prompt().toPlaceholderText()).isEqualTo(c.get("prompt_text").asText());

    ProviderContext bundle = ProviderContext.ofBundle(model.resolve("bundle"), spec.encoder().settings());
    Conditioning cond;
    try (ConditionEncoder enc =
        Plugins.discover().encoders().get(spec.encoder().provider()).create(ProviderConfig.empty("encoder"), bundle)) {
      cond = enc.encode(r.prompt());
    }
    double condDiff = VimiTinyReference.maxAbsDiff(cond.tokens().toArray(), VimiTinyReference.read(caseDir.resolve("conditioning.f32")).toArray());
    double maskDiff = VimiTinyReference.maxAbsDiff(cond.mask().toArray(), VimiTinyReference.read(caseDir.resolve("conditioning_mask.f32")).toArray());
    double baseDiff = VimiTinyReference.maxAbsDiff(r.stageVideos().get(0).frames().toArray(), VimiTinyReference.read(caseDir.resolve("expected_base.f32")).toArray());
    double diff = VimiTinyReference.maxAbsDiff(r.video().frames().toArray(), VimiTinyReference.read(caseDir.resolve("expected.f32")).toArray());
    LOG.info("vimi-tiny end to end: conditioning max abs diff {}, base video {}, final video {}", condDiff, baseDiff, diff);

    assertThat(cond.tokens().shape()).containsExactly(length, dim);
    assertThat(maskDiff).isZero();
    assertThat(condDiff).isLessThanOrEqualTo(CONDITIONING_TOLERANCE);
    assertThat(baseDiff).isLessThanOrEqualTo(VIDEO_TOLERANCE);
    assertThat(diff).isLessThanOrEqualTo(VIDEO_TOLERANCE);
  }
}
