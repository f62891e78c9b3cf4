/**
 * The image-text memory on Apache Lucene: provider {@code lucene} of {@link dev.vimi.spi.RetrieverProvider}.
 * The exported API is {@link dev.vimi.retriever.lucene.LuceneMemoryConfig}, the configuration keys and
 * defaults a host may use; the provider, retriever and writer live in the non-exported {@code
 * dev.vimi.retriever.lucene.internal} and are reached through the registry by the name {@code lucene}.
 */
module dev.vimi.retriever.lucene {
  requires transitive dev.vimi.spi;
  requires org.apache.lucene.core;
  requires org.apache.lucene.analysis.common;

  // the API: LuceneMemoryConfig (keys and defaults); the implementation stays private to this module
  exports dev.vimi.retriever.lucene;

  provides dev.vimi.spi.RetrieverProvider with
      dev.vimi.retriever.lucene.internal.LuceneRetrieverProvider;
}
