/**
 * Streaming readers that turn image-text data sets into {@link dev.vimi.spi.ImageTextPair}s: JSONL,
 * TSV, a folder of images with sidecar captions, and WebDataset-style tar shards. Every retriever
 * that ingests (Lucene, Vespa, ...) reads its input through this module, so that all of them accept
 * the same files and treat bad records the same way.
 */
module dev.vimi.memory.formats {
  requires transitive dev.vimi.spi;
  requires com.fasterxml.jackson.databind;

  exports dev.vimi.memory.formats;
}
