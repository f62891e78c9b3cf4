package dev.vimi.api.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture of DESIGN.md as tests over every library module's {@code module-info.java} and
 * {@code META-INF/services}: the SPI depends on nothing heavy, plugins and backends depend on the SPI
 * and never on each other or on the API's engine, no package is split across modules, and every
 * {@code provides} is also declared for the class path (and the reverse).
 */
class ArchitectureTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Map<String, Module> MODULES = new TreeMap<>();
  /** Folders of library modules: plugins, denoiser backends and embedded memories. */
  private static final List<String> LIBRARY_FOLDERS = List.of("plugins", "backends", "memories");
  private static final Set<String> SHARED = Set.of("dev.vimi.memory.formats", "dev.vimi.backend.support", "dev.vimi.image");

  record Module(
      Path dir,
      String name,
      Set<String> requires,
      Map<String, Set<String>> provides,
      Set<String> packages,
      Map<String, Set<String>> exports) {}

  @BeforeAll
  static void readModules() throws IOException {
    List<Path> infos;
    try (Stream<Path> s = Files.walk(ROOT, 6)) {
      infos = s.filter(p -> p.endsWith(Path.of("src", "main", "java", "module-info.java")))
          .filter(p -> !p.toString().contains("/target/"))
          .toList();
    }
    for (Path info : infos) {
      String src = Files.readString(info).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
      Matcher m = Pattern.compile("module\\s+([\\w.]+)").matcher(src);
      assertThat(m.find()).as("module name in %s", info).isTrue();
      Set<String> requires = new TreeSet<>();
      Matcher r = Pattern.compile("requires\\s+(?:transitive\\s+|static\\s+)*([\\w.]+)\\s*;").matcher(src);
      while (r.find()) {
        requires.add(r.group(1));
      }
      Map<String, String> imports = new HashMap<>();
      Matcher im = Pattern.compile("import\\s+([\\w.]+)\\s*;").matcher(src);
      while (im.find()) {
        imports.put(im.group(1).substring(im.group(1).lastIndexOf('.') + 1), im.group(1));
      }
      Map<String, Set<String>> provides = new HashMap<>();
      Matcher pr = Pattern.compile("provides\\s+([\\w.]+)\\s+with\\s+([\\w.,\\s]+);").matcher(src);
      while (pr.find()) {
        Set<String> impls = new LinkedHashSet<>();
        for (String i : pr.group(2).split(",")) {
          impls.add(imports.getOrDefault(i.trim(), i.trim()));
        }
        provides.put(imports.getOrDefault(pr.group(1), pr.group(1)), impls);
      }
      Map<String, Set<String>> exports = exports(src);
      Path javaRoot = info.getParent();
      Set<String> packages = new TreeSet<>();
      try (Stream<Path> s = Files.walk(javaRoot)) {
        s.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("module-info.java"))
            .forEach(p -> packages.add(javaRoot.relativize(p.getParent()).toString().replace('/', '.')));
      }
      Path moduleDir = javaRoot.getParent().getParent().getParent();
      MODULES.put(m.group(1), new Module(moduleDir, m.group(1), requires, provides, packages, exports));
    }
    assertThat(MODULES).as("modules found under %s", ROOT).containsKeys("dev.vimi.spi", "dev.vimi.api", "dev.vimi.compat");
  }

  /**
   * The {@code exports} of a module-info source without comments: each exported package with the
   * modules it is exported to, empty for an unqualified export.
   */
  static Map<String, Set<String>> exports(String src) {
    Map<String, Set<String>> exports = new TreeMap<>();
    Matcher e = Pattern.compile("exports\\s+([\\w.]+)\\s*(?:to\\s+([\\w.,\\s]+))?;").matcher(src);
    while (e.find()) {
      Set<String> to = new TreeSet<>();
      if (e.group(2) != null) {
        for (String t : e.group(2).split(",")) {
          to.add(t.trim());
        }
      }
      exports.put(e.group(1), to);
    }
    return exports;
  }

  /**
   * What is wrong with the exports of a library module (DESIGN.md, rules of the house: "a plugin exports
   * at most a small API package and keeps its implementation in non-exported packages"): more than one
   * unqualified export, or any export (qualified or not) of a package whose name contains {@code
   * internal}. Empty if nothing is.
   */
  static List<String> exportProblems(String module, Map<String, Set<String>> exports) {
    List<String> problems = new ArrayList<>();
    List<String> open = exports.entrySet().stream().filter(x -> x.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    if (open.size() > 1) {
      problems.add(module + " exports " + open.size() + " packages to everyone " + open + "; at most one API package");
    }
    exports.keySet().stream()
        .filter(p -> p.contains("internal"))
        .forEach(p -> problems.add(module + " exports its implementation package " + p));
    return problems;
  }

  @Test
  void pluginsBackendsAndMemoriesExportAtMostOneApiPackageAndNoInternals() {
    List<String> libraries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Module m : MODULES.values()) {
      if (LIBRARY_FOLDERS.stream().anyMatch(f -> m.dir().startsWith(ROOT.resolve(f)))) {
        libraries.add(m.name());
        problems.addAll(exportProblems(m.name(), m.exports()));
      }
    }
    assertThat(libraries)
        .as("library modules under %s", LIBRARY_FOLDERS)
        .contains("dev.vimi.retriever.lucene", "dev.vimi.backend.onnx", "dev.vimi.memory.emoji", "dev.vimi.encoder.mllm");
    assertThat(problems).as("exports of plugins, backends and memories").isEmpty();
  }

  @Test
  void theExportCheckFindsWhatItLooksFor() {
    // the check above can fail: these are the module-infos it is there to catch
    String two = "module a { exports a.api; exports a.impl; exports a.shared to b, c; }";
    assertThat(exports(two)).containsEntry("a.shared", Set.of("b", "c")).containsEntry("a.api", Set.of());
    assertThat(exportProblems("a", exports(two))).singleElement().asString().contains("[a.api, a.impl]");
    assertThat(exportProblems("a", exports("module a { exports a.api; exports a.api.internal to b; }")))
        .containsExactly("a exports its implementation package a.api.internal");
    assertThat(exportProblems("a", exports("module a { exports a.api; exports a.support to b, c; }"))).isEmpty();
    assertThat(exportProblems("a", exports("module a { requires b; }"))).isEmpty();
  }

  @Test
  void theSpiDependsOnNothingHeavy() {
    assertThat(MODULES.get("dev.vimi.spi").requires()).isSubsetOf(Set.of("org.slf4j", "java.base"));
  }

  @Test
  void noSpringOrMicrometerReachesTheApiOrTheSpi() {
    for (String core : List.of("dev.vimi.spi", "dev.vimi.api")) {
      assertThat(MODULES.get(core).requires())
          .as("%s requires", core)
          .noneMatch(r -> r.startsWith("spring") || r.startsWith("micrometer") || r.startsWith("dev.vimi.micrometer"));
    }
    // and the integrations that do use them are modules of their own
    assertThat(MODULES).containsKeys("dev.vimi.micrometer", "dev.vimi.spring.boot");
  }

  @Test
  void theApiReadsJacksonForManifestsAndJsonConfigurationOnly() throws IOException {
    // DESIGN.md, modules: vimi-api depends on "vimi-spi (+ Jackson for manifests and JSON config only)"
    Path main = MODULES.get("dev.vimi.api").dir().resolve("src/main/java");
    Set<Path> allowed = Set.of(Path.of("dev/vimi/api/PipelineConfig.java"));
    List<String> users = new ArrayList<>();
    try (Stream<Path> s = Files.walk(main)) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        Path rel = main.relativize(p);
        boolean manifest = rel.startsWith(Path.of("dev/vimi/api/model"));
        if (!manifest && !allowed.contains(rel) && !rel.toString().equals("module-info.java")
            && Files.readString(p).contains("com.fasterxml.jackson")) {
          users.add(rel.toString());
        }
      }
    }
    assertThat(users).as("vimi-api sources outside dev.vimi.api.model and PipelineConfig that use Jackson").isEmpty();
  }

  @Test
  void theDatasetBuilderIsALibraryOfItsOwnOverTheSpi() {
    Module augment = MODULES.get("dev.vimi.augment");
    assertThat(augment).as("the dataset builder's module").isNotNull();
    assertThat(augment.dir()).isEqualTo(ROOT.resolve("vimi-augment"));
    assertThat(augment.requires())
        .as("dev.vimi.augment requires")
        .contains("dev.vimi.spi")
        .isSubsetOf(Set.of("dev.vimi.spi", "dev.vimi.memory.formats", "com.fasterxml.jackson.databind", "org.slf4j"));
    assertThat(augment.exports()).containsOnlyKeys("dev.vimi.augment");
    assertThat(MODULES.get("dev.vimi.api").requires()).doesNotContain("dev.vimi.augment");
    assertThat(MODULES.get("dev.vimi.api").packages()).noneMatch(p -> p.contains("augment"));
  }

  @Test
  void pluginsAndBackendsDependOnTheSpiNotOnEachOtherOrTheEngine() {
    Set<String> vimiLibraries = new TreeSet<>();
    MODULES.values().stream()
        .filter(m -> m.dir().startsWith(ROOT.resolve("plugins")) || m.dir().startsWith(ROOT.resolve("backends")))
        .forEach(m -> vimiLibraries.add(m.name()));
    for (String name : vimiLibraries) {
      Module m = MODULES.get(name);
      assertThat(m.requires()).as("%s requires", name).doesNotContain("dev.vimi.api");
      if (!SHARED.contains(name)) {
        assertThat(m.requires()).as("%s requires", name).contains("dev.vimi.spi");
      }
      for (String other : vimiLibraries) {
        // shared libraries that are not plugins: the input-format readers of the memories (DESIGN: share
        // the readers), the backends' common internals, and the one image reader (vimi-image-io)
        if (!other.equals(name) && !SHARED.contains(other)) {
          assertThat(m.requires()).as("%s must not depend on the plugin %s", name, other).doesNotContain(other);
        }
      }
    }
  }

  @Test
  void noPackageIsSplitAcrossModules() {
    Map<String, String> owner = new HashMap<>();
    List<String> splits = new ArrayList<>();
    for (Module m : MODULES.values()) {
      for (String p : m.packages()) {
        String prev = owner.putIfAbsent(p, m.name());
        if (prev != null) {
          splits.add(p + " in " + prev + " and " + m.name());
        }
      }
    }
    assertThat(splits).as("split packages").isEmpty();
  }

  @Test
  void everyProviderIsDeclaredForTheModulePathAndTheClassPath() throws IOException {
    for (Module m : MODULES.values()) {
      Path services = m.dir().resolve("src/main/resources/META-INF/services");
      Map<String, Set<String>> declared = new HashMap<>();
      if (Files.isDirectory(services)) {
        try (Stream<Path> s = Files.list(services)) {
          for (Path f : s.toList()) {
            Set<String> impls = new LinkedHashSet<>();
            for (String line : Files.readAllLines(f)) {
              String l = line.replaceAll("#.*", "").trim();
              if (!l.isEmpty()) {
                impls.add(l);
              }
            }
            declared.put(f.getFileName().toString(), impls);
          }
        }
      }
      assertThat(declared).as("META-INF/services of %s vs provides in its module-info", m.name()).isEqualTo(m.provides());
    }
  }
}
