/**
 * The embedded emoji memory: 1,911 Noto emoji with Emojibase labels and tags, and {@link
 * dev.vimi.memory.emoji.EmojiMemory}, which builds its Lucene memory once and returns the folder a
 * {@code lucene} retriever opens ({@code retriever.index.dir}). It reaches that retriever through the
 * SPI by its name, never through its classes: vimi-retriever-lucene is a run-time dependency only.
 */
module dev.vimi.memory.emoji {
  requires dev.vimi.spi;
  requires dev.vimi.memory.formats;
  requires org.slf4j;

  exports dev.vimi.memory.emoji;

  uses dev.vimi.spi.RetrieverProvider;
}
