package dev.vimi.api;

/**
 * Receives progress of a generation. Called on the generating thread, between network evaluations:
 * keep it quick and do not block. Exceptions thrown by a listener abort the generation.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores progress. */
  ProgressListener NONE = p -> {};

  void onProgress(Progress progress);
}
