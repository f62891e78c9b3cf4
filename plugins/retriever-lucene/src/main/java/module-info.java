import dev.vimi.retriever.lucene.LuceneRetrieverProvider;

/**
 * The image-text memory on Apache Lucene: provider {@code lucene} of {@link dev.vimi.spi.RetrieverProvider}.
 * See {@link dev.vimi.retriever.lucene.LuceneRetrieverProvider} for the configuration keys.
 */
module dev.vimi.retriever.lucene {
  requires transitive dev.vimi.spi;
  requires org.apache.lucene.core;
  requires org.apache.lucene.analysis.common;

  exports dev.vimi.retriever.lucene;

  provides dev.vimi.spi.RetrieverProvider with LuceneRetrieverProvider;
}
