package dev.vimi.sample.web;

import dev.vimi.api.Plugins;
import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spring.boot.autoconfigure.VimiPipelineCustomizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The memory the page retrieves from: the repository's 1,911 Noto emoji with their Emojibase names
 * and tags (samples/cli's embedded memory), indexed with Lucene into the work folder on the first
 * start and reused afterwards. The pipeline bean of the starter gets it through a {@link
 * VimiPipelineCustomizer}.
 */
@Configuration(proxyBeanMethods = false)
class EmojiMemory {
  private static final Logger LOG = LoggerFactory.getLogger(EmojiMemory.class);

  @Bean
  VimiPipelineCustomizer emojiMemoryRetriever(WebProperties web) {
    // the lucene retriever through the registry, as the pipeline finds it; its memory format names the folder
    RetrieverProvider lucene = Plugins.discover().retrievers().get("lucene");
    Path memory = ensure(lucene, web.memory(), web.work().resolve("memory-f" + lucene.memoryFormat().orElse("0")));
    return builder -> builder.retriever("lucene", Map.of(LuceneMemoryConfig.INDEX_DIR, memory.toString()));
  }

  static Path ensure(RetrieverProvider lucene, Path data, Path memory) {
    if (Files.isDirectory(memory)) {
      return memory;
    }
    Path pairs = data.resolve("pairs.jsonl");
    if (!Files.isRegularFile(pairs)) {
      throw new ConfigurationException(
          "web.memory-data=" + data + " has no pairs.jsonl; start the app from the repository root (samples/web/run does) or set web.memory-data to the folder of the emoji pairs");
    }
    long t0 = System.nanoTime();
    Path tmp = memory.resolveSibling(memory.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(memory.getParent());
      ProviderConfig config = ProviderConfig.of("retriever lucene", Map.of(LuceneMemoryConfig.INDEX_DIR, tmp.toString()));
      try (MemoryWriter w = lucene.openWriter(config);
          PairReader r = PairReaders.open(pairs, ReadOptions.defaults())) {
        IngestJob.of(1, MalformedPolicy.FAIL, p -> {}).run(r, w);
        w.optimize();
      }
      Files.move(tmp, memory, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("cannot build the emoji memory in " + memory + "; set web.work-dir to a writable folder", e);
    }
    LOG.info("built the emoji memory in {} in {} ms", memory, (System.nanoTime() - t0) / 1_000_000);
    return memory;
  }

  private static void deleteQuietly(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete {}", p, e);
    }
  }
}
