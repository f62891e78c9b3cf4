package dev.vimi.api.internal.observe;

import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.util.List;

/** Times {@link #retrieve} and reports its hits. Does not close the retriever it wraps. */
final class ObservedRetriever implements Retriever {
  private final Retriever delegate;
  private final GenerationObservation obs;

  ObservedRetriever(Retriever delegate, GenerationObservation obs) {
    this.delegate = delegate;
    this.obs = obs;
  }

  @Override
  public List<RetrievedItem> retrieve(RetrievalQuery query) {
    long t = System.nanoTime();
    List<RetrievedItem> hits = delegate.retrieve(query);
    obs.onRetrieval(query.k(), List.copyOf(hits), System.nanoTime() - t);
    return hits;
  }

  @Override
  public List<List<RetrievedItem>> retrieveAll(List<RetrievalQuery> queries) {
    return delegate.retrieveAll(queries);
  }

  @Override
  public MemoryStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    // the pipeline owns the retriever
  }
}
