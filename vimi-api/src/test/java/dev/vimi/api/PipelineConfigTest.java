package dev.vimi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.OutputKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

  @Test
  void propertiesAndJsonConfigureTheSamePipeline(@TempDir Path dir) throws Exception {
    Path props = dir.resolve("vimi.properties");
    Files.writeString(props, "denoiser=gaussian-oracle\ndenoiser.std=0.2\nencoder=hashing\nretriever=none\ntask=t2v\nretrieval.k=2\n");
    Path json = dir.resolve("vimi.json");
    Files.writeString(json, "{\"denoiser\": {\"provider\": \"gaussian-oracle\", \"std\": 0.2}, \"encoder\": {\"provider\": \"hashing\"},"
        + " \"retriever\": \"none\", \"task\": \"t2v\", \"retrieval\": {\"k\": 2}}");
    assertThat(PipelineConfig.read(json).asMap()).isEqualTo(PipelineConfig.read(props).asMap());
    ModelSpec model = Oracles.model(4, 8, 8, 6, OutputKind.EDM);
    float[] a;
    float[] b;
    try (VimiPipeline p = VimiPipeline.builder().model(model).configure(props).build()) {
      a = p.generate(GenerationRequest.builder().prompt("a cat").seed(3).build()).video().frames().toArray();
    }
    try (VimiPipeline p = VimiPipeline.builder().model(model).configure(json).build()) {
      b = p.generate(GenerationRequest.builder().prompt("a cat").seed(3).build()).video().frames().toArray();
    }
    assertThat(a).isEqualTo(b);
  }

  @Test
  void badFilesSayWhatIsWrong(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"denoiser\": [1, 2]}");
    assertThatThrownBy(() -> PipelineConfig.read(bad)).isInstanceOf(ConfigurationException.class).hasMessageContaining("'denoiser' must be");
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"denoiser\": ");
    assertThatThrownBy(() -> PipelineConfig.read(broken)).isInstanceOf(ConfigurationException.class).hasMessageContaining("not valid JSON at line 1");
    assertThatThrownBy(() -> PipelineConfig.read(dir.resolve("missing.properties"))).hasMessageContaining("does not exist");
    Path yaml = dir.resolve("x.yaml");
    Files.writeString(yaml, "a: b");
    assertThatThrownBy(() -> PipelineConfig.read(yaml)).hasMessageContaining("must end in .properties or .json");
    Path props = dir.resolve("k.properties");
    Files.writeString(props, "retrieval.k=two\n");
    assertThatThrownBy(() -> VimiPipeline.builder().configure(props)).hasMessageContaining("'retrieval.k' must be an integer but is 'two'");
  }

  @Test
  void misspeltKeysAreRefusedWithTheClosestKnownOne(@TempDir Path dir) throws Exception {
    Path props = dir.resolve("vimi.properties");
    Files.writeString(props, "denoiser=gaussian-oracle\nretrieval.kk=2\n");
    assertThatThrownBy(() -> PipelineConfig.read(props))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(props + ": unknown key 'retrieval.kk'; did you mean 'retrieval.k'? known: [denoiser, encoder, model,"
            + " retrieval.k, retriever, task]");
    Path json = dir.resolve("vimi.json");
    Files.writeString(json, "{\"retriver\": {\"provider\": \"lucene\", \"index.dir\": \"m\"}}");
    assertThatThrownBy(() -> PipelineConfig.read(json))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(json + ": unknown key 'retriver'; did you mean 'retriever'?");
    // without the check, a misspelt provider line left the choice to priorities (a "tie" between backends)
    assertThatThrownBy(() -> PipelineConfig.of(java.util.Map.of("denosier", "onnx")))
        .hasMessageStartingWith("pipeline configuration: unknown key 'denosier'; did you mean 'denoiser'?");
    // the sections' keys belong to the providers, which check them when the pipeline is built
    assertThat(PipelineConfig.of(java.util.Map.of("denoiser.devcie", "cpu")).asMap()).containsKey("denoiser.devcie");
  }
}
