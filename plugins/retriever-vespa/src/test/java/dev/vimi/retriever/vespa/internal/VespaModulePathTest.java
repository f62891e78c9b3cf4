package dev.vimi.retriever.vespa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The plugin on the module path: its module (target/classes) and the jars it depends on, resolved as a
 * module layer by its name alone, found through {@link ServiceLoader}, and used to feed and query the
 * fake cluster. vespa-feed-client has no module descriptor (it is an automatic module), so this checks
 * that module-info pulls in the Jetty and BouncyCastle modules the feed client needs at run time.
 */
class VespaModulePathTest {

  @Test
  void feedsAndQueriesFromAModuleLayer() throws Exception {
    List<Path> paths = new ArrayList<>();
    paths.add(Path.of("target/classes").toAbsolutePath());
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    for (String e : cp.split(File.pathSeparator)) {
      Path p = Path.of(e);
      if (p.toString().endsWith(".jar") && Files.isRegularFile(p)) {
        paths.add(p);
      }
    }
    ModuleFinder finder = ModuleFinder.of(paths.toArray(new Path[0]));
    Configuration cf =
        ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(), Set.of("dev.vimi.retriever.vespa"));
    Set<String> resolved = cf.modules().stream().map(m -> m.name()).collect(Collectors.toSet());
    assertThat(resolved)
        .contains(
            "dev.vimi.retriever.vespa",
            "dev.vimi.spi",
            "vespa.feed.client",
            "vespa.feed.client.api",
            "org.eclipse.jetty.client",
            "org.eclipse.jetty.http2.client.transport",
            "com.fasterxml.jackson.databind");
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    ClassLoader loader = layer.findLoader("dev.vimi.retriever.vespa");
    Class<?> providerType = loader.loadClass("dev.vimi.spi.RetrieverProvider");
    assertThat(providerType.getModule().getName()).isEqualTo("dev.vimi.spi");
    Object provider =
        ServiceLoader.load(layer, providerType).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> call(providerType, p, "name").equals("vespa"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no 'vespa' provider in the layer"));
    assertThat(provider.getClass().getModule().getName()).isEqualTo("dev.vimi.retriever.vespa");

    try (FakeVespa fake = FakeVespa.start()) {
      Class<?> configType = loader.loadClass("dev.vimi.spi.ProviderConfig");
      Object config =
          configType.getMethod("of", String.class, Map.class)
              .invoke(null, "retriever vespa", Map.of("endpoint", fake.endpoint().toString()));
      Class<?> pairType = loader.loadClass("dev.vimi.spi.ImageTextPair");
      Class<?> imageType = loader.loadClass("dev.vimi.spi.ImageRef");
      Constructor<?> pair = pairType.getConstructor(String.class, String.class, imageType);
      Object writer = providerType.getMethod("openWriter", configType).invoke(provider, config);
      // through the SPI's types only: the provider's own classes are in a package the module does not export
      Class<?> writerType = loader.loadClass("dev.vimi.spi.MemoryWriter");
      Method add = writerType.getMethod("add", pairType);
      add.invoke(writer, pair.newInstance("m1", "a module path pair", null));
      add.invoke(writer, pair.newInstance("m2", "another pair", null));
      writerType.getMethod("close").invoke(writer);
      assertThat(fake.documentIds()).containsExactlyInAnyOrder("m1", "m2");

      Object retriever = providerType.getMethod("open", configType).invoke(provider, config);
      Class<?> queryType = loader.loadClass("dev.vimi.spi.RetrievalQuery");
      Object query = queryType.getConstructor(String.class, int.class).newInstance("module", 5);
      Class<?> retrieverType = loader.loadClass("dev.vimi.spi.Retriever");
      List<?> hits = (List<?>) retrieverType.getMethod("retrieve", queryType).invoke(retriever, query);
      assertThat(hits).hasSize(1);
      assertThat(call(loader.loadClass("dev.vimi.spi.RetrievedItem"), hits.get(0), "id")).isEqualTo("m1");
      retrieverType.getMethod("close").invoke(retriever);
    }
  }

  private static Object call(Class<?> type, Object target, String method) {
    try {
      return type.getMethod(method).invoke(target);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
