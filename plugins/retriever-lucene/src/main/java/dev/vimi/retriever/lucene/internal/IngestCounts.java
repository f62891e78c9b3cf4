package dev.vimi.retriever.lucene.internal;

/**
 * What a {@link LuceneMemoryWriter} has done since it opened. Immutable.
 *
 * @param pairsAtOpen pairs the memory held when the writer opened (from an earlier ingest)
 * @param added pairs added since
 * @param duplicateIds pairs skipped because their id was already present
 * @param duplicateCaptions pairs skipped because their normalised caption was already present
 * @param commits commits made since the writer opened
 */
public record IngestCounts(long pairsAtOpen, long added, long duplicateIds, long duplicateCaptions, long commits) {

  /** Pairs the memory holds now, committed or not. */
  public long total() {
    return pairsAtOpen + added;
  }
}
