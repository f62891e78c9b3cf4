/**
 * The retrieval-augmented dataset builder of ViMi (section 3.1): for every caption of a JSONL data set,
 * retrieve the top-K image-text pairs with any {@link dev.vimi.spi.Retriever} and write the task's
 * multimodal prompt as JSONL ({@link dev.vimi.augment.DatasetAugmenter}). An offline batch job, apart
 * from the generation API: a host that only generates does not need it.
 *
 * <p>Exported: {@code dev.vimi.augment}. It provides and uses no services; the retriever and the task
 * are handed in by the caller (usually from {@code dev.vimi.api.Plugins}).
 */
module dev.vimi.augment {
  requires transitive dev.vimi.spi;
  requires dev.vimi.memory.formats;
  requires com.fasterxml.jackson.databind;

  exports dev.vimi.augment;
}
