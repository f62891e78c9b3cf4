/**
 * The vimi image-text memory on a Vespa cluster (provider {@code vespa}): the application package,
 * feeding through vespa-feed-client, and BM25 top-K through the query API.
 */
module dev.vimi.retriever.vespa {
  requires transitive dev.vimi.spi;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  // vespa-feed-client ships without module descriptors: these are its automatic module names
  requires vespa.feed.client.api;
  requires vespa.feed.client;

  exports dev.vimi.retriever.vespa;

  provides dev.vimi.spi.RetrieverProvider with
      dev.vimi.retriever.vespa.VespaRetrieverProvider;
}
