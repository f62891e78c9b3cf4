package dev.vimi.retriever.vespa.internal;

import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;

/**
 * The {@code vespa} retriever: the image-text memory in a Vespa cluster. {@link #open} gives a
 * {@link VespaRetriever} (query API), {@link #openWriter} a {@link VespaMemoryWriter} (feed). The only
 * required configuration key is {@code endpoint}; the README lists the others.
 *
 * <p>{@link #selfTest} stays empty: the memory needs a running Vespa cluster, which the
 * compatibility runner cannot create. Immutable and thread-safe; opens nothing until asked.
 */
public final class VespaRetrieverProvider implements RetrieverProvider {

  /** The provider name. */
  public static final String NAME = "vespa";

  public VespaRetrieverProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "image-text memory in a Vespa cluster (BM25 through the query API, feeding with vespa-feed-client)";
  }

  @Override
  public Retriever open(ProviderConfig config) {
    return new VespaRetriever(VespaSettings.from(config));
  }

  @Override
  public MemoryWriter openWriter(ProviderConfig config) {
    return new VespaMemoryWriter(VespaSettings.from(config));
  }
}
