package dev.vimi.sample.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.api.PipelineConfig;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java, configuration and pom block of README.md is taken verbatim from a file that is compiled,
 * read or resolved by this build; {@code ReadmeHostIT} runs the example with the configuration.
 */
class ReadmeBlocksTest {

  @Test
  void theEmbeddingExampleIsReadmeExampleJavaWhole() throws Exception {
    String source =
        Files.readString(
            ReadmeBlocks.repoRoot().resolve("samples/embedded-host/src/main/java/dev/vimi/sample/host/ReadmeExample.java"));
    List<String> java = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "java");
    assertThat(java).as("README's Java blocks: the embedding example, generation features, the plugin test").hasSize(3);
    assertThat(java.get(0)).as("README's embedding example, as ReadmeExample.java").isEqualTo(source);
  }

  @Test
  void theGenerationFeaturesSnippetIsTheOneGenerationFeaturesJavaRuns() throws Exception {
    // models/vimi-tiny/tools/GenerationFeatures.java runs the snippet as pasted, between two marker lines
    String tool = Files.readString(ReadmeBlocks.repoRoot().resolve("models/vimi-tiny/tools/GenerationFeatures.java"));
    String begin = "// ---- README.md, \"Generation features\", the Java snippet as pasted (hence its indentation) ----\n";
    int from = tool.indexOf(begin);
    int to = tool.indexOf("      // ---- end of snippet ----");
    assertThat(from).as("the snippet's start marker in GenerationFeatures.java").isPositive();
    assertThat(to).as("the snippet's end marker in GenerationFeatures.java").isGreaterThan(from);
    String block = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "java").get(1);
    assertThat(block).as("README's generation-features snippet, as GenerationFeatures.java runs it")
        .isEqualTo(tool.substring(from + begin.length(), to));
  }

  @Test
  void thePluginTestIsTheSamplePluginsTestWhole() throws Exception {
    String source =
        Files.readString(
            ReadmeBlocks.repoRoot()
                .resolve("samples/third-party-plugin/src/test/java/com/example/vimi/uniform/UniformOracleCompatTest.java"));
    String block = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "java").get(2);
    assertThat(block).as("README's plugin test, as UniformOracleCompatTest.java").isEqualTo(source);
  }

  @Test
  void thePropertiesBlockHasNoInlineCommentsAndEveryValueIsMeant(@TempDir Path dir) throws Exception {
    List<String> blocks = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "properties");
    assertThat(blocks).hasSize(1);
    Properties p = new Properties();
    p.load(new StringReader(blocks.get(0)));
    for (String key : p.stringPropertyNames()) {
      assertThat(p.getProperty(key)).as("value of %s (a .properties file has no end-of-line comments)", key).doesNotContain("#").isNotBlank();
    }
    assertThat(p.getProperty("retriever.index.dir")).as("the lucene retriever's folder key").isEqualTo("memory");
    assertThat(p).doesNotContainKey("retriever.index");

    Path file = dir.resolve("vimi.properties");
    Files.writeString(file, blocks.get(0), StandardCharsets.UTF_8);
    PipelineConfig c = PipelineConfig.read(file);
    assertThat(c.path("model")).contains(dir.resolve("models/vimi-tiny/bundle"));
    assertThat(c.section("retriever", "retriever lucene").asMap()).containsEntry("index.dir", "memory");
  }

  @Test
  void theJsonBlockSaysWhatThePropertiesBlockSays(@TempDir Path dir) throws Exception {
    String readme = ReadmeBlocks.readme();
    Path json = dir.resolve("vimi.json");
    Files.writeString(json, ReadmeBlocks.blocks(readme, "json").get(0));
    Path props = dir.resolve("vimi.properties");
    Files.writeString(props, ReadmeBlocks.blocks(readme, "properties").get(0));
    Properties p = new Properties();
    p.load(new StringReader(ReadmeBlocks.blocks(readme, "properties").get(0)));
    PipelineConfig fromJson = PipelineConfig.read(json);
    for (String key : p.stringPropertyNames()) {
      assertThat(fromJson.get(key)).as("'%s' in vimi.json", key).contains(p.getProperty(key).trim());
    }
    assertThat(fromJson.get("encoder")).contains("mllm");
  }

  @Test
  void theHostPomBlockListsThisSamplesDependencies() throws Exception {
    List<String> xml = ReadmeBlocks.blocks(ReadmeBlocks.readme(), "xml");
    assertThat(xml).hasSize(1);
    String pom = Files.readString(ReadmeBlocks.repoRoot().resolve("samples/embedded-host/pom.xml"));
    Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>(?:<version>[^<]*</version>)?(?:<type>pom</type>)?(?:<scope>(\\w+)</scope>)?")
        .matcher(xml.get(0));
    int n = 0;
    while (m.find()) {
      if (m.group(1).equals("vimi-bom") || m.group(1).equals("*")) {
        continue;
      }
      n++;
      assertThat(pom).as("samples/embedded-host/pom.xml depends on %s, as README's host pom does", m.group(1)).contains("<artifactId>" + m.group(1) + "</artifactId>");
    }
    assertThat(n).as("dependencies in README's host pom").isEqualTo(8);
  }
}
