package dev.vimi.memory.emoji;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiMemoryTest {

  @Test
  void oneCallBuildsTheMemoryOnceAndTheLuceneRetrieverOpensIt(@TempDir Path cache) throws Exception {
    assertThat(EmojiMemory.isBuilt(cache)).isFalse();
    Path memory = EmojiMemory.ensure(cache, f -> {});
    assertThat(EmojiMemory.isBuilt(cache)).isTrue();
    assertThat(EmojiMemory.ensure(cache, f -> { throw new AssertionError("built twice"); })).isEqualTo(memory);

    // the retriever the memory was built with, found by name as a host finds it
    RetrieverProvider lucene = ProviderLookup.byName("retriever", ProviderLookup.load(RetrieverProvider.class), EmojiMemory.RETRIEVER);
    assertThat(memory.getParent().getFileName().toString())
        .as("the cache folder is named after the retriever's memory format")
        .endsWith("-f" + lucene.memoryFormat().orElseThrow());
    try (Retriever r =
        lucene.open(ProviderConfig.of("retriever lucene", Map.of(EmojiMemory.INDEX_DIR, memory.toString())))) {
      assertThat(r.stats().pairs()).isEqualTo(EmojiMemory.PAIRS);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("dog face", 2));
      assertThat(hits).extracting(RetrievedItem::caption).contains("dog face");
      assertThat(hits).allSatisfy(h -> assertThat(h.image()).as("the picture of %s", h.id()).isNotNull());
    }
  }
}
