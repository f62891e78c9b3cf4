package dev.vimi.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the top-K image-text pairs for a text in an image-text memory (ViMi section 3.1).
 *
 * <p><b>Contract</b> (checked by {@code dev.vimi.compat.RetrieverContractSuite}). A pair
 * <i>matches</i> a query when they share a searchable word (after the retriever's analysis). Hits are
 * sorted by descending score, distinct, and exactly {@code min(k, number of matching pairs that are
 * not excluded)} of them come back, for every K (a K larger than the memory returns every match; no
 * silent cap, no padding with pairs that do not match); no excluded id appears, however many are
 * excluded; a query with no searchable words ({@code "???"}) returns no hits and throws nothing; the
 * same query on the same memory returns the same hits in the same order; hits carry the stored
 * caption and image (file, encoded bytes, or decoded pixels if the memory stores them).
 *
 * <p><b>Thread-safety.</b> Implementations must be safe for concurrent use by many threads: answers
 * given to threads querying at once equal the single-threaded answers.
 * <b>Ownership.</b> The caller that opened a retriever closes it; returned lists are immutable and
 * owned by the caller.
 */
public interface Retriever extends AutoCloseable {

  /** The top hits for one query. Blocks until they are known. */
  List<RetrievedItem> retrieve(RetrievalQuery query);

  /**
   * The top hits for each query, in the order of {@code queries}. The default runs them one after
   * another; implementations spread them over threads or send them concurrently.
   */
  default List<List<RetrievedItem>> retrieveAll(List<RetrievalQuery> queries) {
    List<List<RetrievedItem>> out = new ArrayList<>(queries.size());
    for (RetrievalQuery q : queries) {
      out.add(retrieve(q));
    }
    return List.copyOf(out);
  }

  /** Size figures of the memory behind this retriever. */
  MemoryStats stats();

  /** Releases files, native memory or connections. Idempotent. */
  @Override
  void close();
}
