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
  private static final Set<String> SHARED = Set.of("dev.vimi.memory.formats", "dev.vimi.backend.support", "dev.vimi.image");

  record Module(Path dir, String name, Set<String> requires, Map<String, Set<String>> provides, Set<String> packages) {}

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
      Path javaRoot = info.getParent();
      Set<String> packages = new TreeSet<>();
      try (Stream<Path> s = Files.walk(javaRoot)) {
        s.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("module-info.java"))
            .forEach(p -> packages.add(javaRoot.relativize(p.getParent()).toString().replace('/', '.')));
      }
      Path moduleDir = javaRoot.getParent().getParent().getParent();
      MODULES.put(m.group(1), new Module(moduleDir, m.group(1), requires, provides, packages));
    }
    assertThat(MODULES).as("modules found under %s", ROOT).containsKeys("dev.vimi.spi", "dev.vimi.api", "dev.vimi.compat");
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
