package dev.vimi.memory.emoji;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.retriever.lucene.LuceneRetrieverProvider;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
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

    try (Retriever r =
        new LuceneRetrieverProvider().open(ProviderConfig.of("retriever lucene", Map.of("index.dir", memory.toString())))) {
      assertThat(r.stats().pairs()).isEqualTo(EmojiMemory.PAIRS);
      List<RetrievedItem> hits = r.retrieve(new RetrievalQuery("dog face", 2));
      assertThat(hits).extracting(RetrievedItem::caption).contains("dog face");
      assertThat(hits).allSatisfy(h -> assertThat(h.image()).as("the picture of %s", h.id()).isNotNull());
    }
  }
}
