/**
 * The vimi image-text memory on a Vespa cluster (provider {@code vespa}): the application package,
 * feeding through vespa-feed-client, and BM25 top-K through the query API.
 *
 * <p>The exported API is what a host deploying and feeding a cluster uses: {@link
 * dev.vimi.retriever.vespa.VespaApplicationPackage} and the feed's account ({@link
 * dev.vimi.retriever.vespa.FeedReport}, {@link dev.vimi.retriever.vespa.VespaFeedException}). The provider,
 * retriever and writer live in the non-exported {@code dev.vimi.retriever.vespa.internal} and are reached
 * through the registry by the name {@code vespa}.
 */
module dev.vimi.retriever.vespa {
  requires transitive dev.vimi.spi;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  // vespa-feed-client ships without module descriptors: these are its automatic module names
  requires vespa.feed.client.api;
  requires vespa.feed.client;
  // An automatic module does not pull the explicit modules it uses into the module graph. These are
  // what vespa-feed-client needs at run time (its HTTP/2 client, ALPN for h2 over TLS, and the
  // BouncyCastle provider it creates in a static initializer); VespaModulePathTest checks them.
  requires org.eclipse.jetty.http2.client.transport;
  requires org.eclipse.jetty.alpn.java.client;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;

  exports dev.vimi.retriever.vespa;

  provides dev.vimi.spi.RetrieverProvider with
      dev.vimi.retriever.vespa.internal.VespaRetrieverProvider;
}
