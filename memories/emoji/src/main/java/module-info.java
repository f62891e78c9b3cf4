/**
 * The embedded emoji memory: 1,911 Noto emoji with Emojibase labels and tags, and {@link
 * dev.vimi.memory.emoji.EmojiMemory}, which builds its Lucene memory once and returns the folder a
 * {@code lucene} retriever opens ({@code retriever.index.dir}).
 */
module dev.vimi.memory.emoji {
  requires dev.vimi.spi;
  requires dev.vimi.memory.formats;
  requires dev.vimi.retriever.lucene;
  requires org.slf4j;

  exports dev.vimi.memory.emoji;
}
