package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command line reaches retrievers, encoders and denoiser backends through vimi-api's registry by
 * name, never through their classes (DESIGN.md, "Rules of the house"): no main source names a package of
 * a plugin, backend or encoder, and module-info reads none of their modules. Adding a retriever is then a
 * jar on the path, not an edit here.
 */
class ArchitectureTest {
  /** Packages and modules of implementations: retriever plugins, denoiser backends, condition encoders. */
  static final Pattern FORBIDDEN = Pattern.compile("\\bdev\\.vimi\\.(retriever|backend|encoder)\\.[A-Za-z_][\\w.]*");

  private static final Path MAIN = Path.of("src/main/java");

  /** Every use of a forbidden name in {@code text}, as "file:line: name". */
  static List<String> violations(String file, String text) {
    List<String> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = FORBIDDEN.matcher(lines[i]);
      while (m.find()) {
        out.add(file + ":" + (i + 1) + ": " + m.group());
      }
    }
    return out;
  }

  private static List<Path> mainSources() throws IOException {
    assertThat(MAIN).as("the CLI's main sources (tests run in samples/cli)").isDirectory();
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  @Test
  void noMainSourceNamesAPluginBackendOrEncoderPackage() throws IOException {
    List<Path> sources = mainSources();
    assertThat(sources).as("main sources").hasSizeGreaterThan(10).contains(MAIN.resolve("module-info.java"));
    List<String> found = new ArrayList<>();
    for (Path p : sources) {
      found.addAll(violations(MAIN.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
    }
    assertThat(found)
        .as("the CLI must reach plugins, backends and encoders by provider name (Memories, Plugins), not by their classes")
        .isEmpty();
  }

  @Test
  void moduleInfoReadsNoPluginBackendOrEncoderModule() throws IOException {
    String info = Files.readString(MAIN.resolve("module-info.java"), StandardCharsets.UTF_8);
    Matcher requires = Pattern.compile("requires\\s+(?:transitive\\s+|static\\s+)*([\\w.]+)\\s*;").matcher(info);
    List<String> modules = new ArrayList<>();
    while (requires.find()) {
      modules.add(requires.group(1));
    }
    assertThat(modules).as("modules the CLI requires").contains("dev.vimi.api");
    assertThat(modules).noneMatch(m -> FORBIDDEN.matcher(m).matches());
  }

  @Test
  void theCheckFindsWhatItLooksFor() {
    // the two checks above can fail: these are the lines they are there to catch
    assertThat(violations("A.java", "package x;\nimport dev.vimi.retriever.lucene.LuceneMemoryConfig;\n"))
        .containsExactly("A.java:2: dev.vimi.retriever.lucene.LuceneMemoryConfig");
    assertThat(violations("module-info.java", "module m {\n  requires dev.vimi.backend.onnx;\n}"))
        .containsExactly("module-info.java:2: dev.vimi.backend.onnx");
    assertThat(violations("B.java", "var p = new dev.vimi.encoder.mllm.MllmProvider();")).hasSize(1);
    assertThat(violations("C.java", "import dev.vimi.spi.Retriever;\nimport dev.vimi.memory.formats.IngestJob;\n// retriever.lucene")).isEmpty();
  }
}
