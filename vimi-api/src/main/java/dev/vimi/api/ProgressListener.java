package dev.vimi.api;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Receives progress of a generation. Called on the generating thread, between network evaluations:
 * keep it quick and do not block. Exceptions thrown by a listener abort the generation.
 *
 * <p><b>Previews.</b> A listener whose {@link #previewEvery()} is N &gt; 0 also receives the current
 * denoised estimate after every N-th step of every stage (and after the last) through {@link
 * #onPreview}. Previews cost a copy of the video each time; a listener that does not ask (the
 * default, 0) costs nothing.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores progress. */
  ProgressListener NONE = p -> {};

  void onProgress(Progress progress);

  /** Steps between previews; 0 (the default) for none. */
  default int previewEvery() {
    return 0;
  }

  /** Receives a preview; called on the generating thread, after the step's {@link #onProgress}. */
  default void onPreview(Preview preview) {}

  /** A listener that forwards progress to {@code progress} and a preview every {@code every} steps to {@code previews}. */
  static ProgressListener withPreviews(int every, ProgressListener progress, Consumer<Preview> previews) {
    if (every < 1) {
      throw new dev.vimi.spi.InvalidInputException("preview_every", "must be at least 1 but is " + every);
    }
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(previews, "previews");
    return new ProgressListener() {
      @Override
      public void onProgress(Progress p) {
        progress.onProgress(p);
      }

      @Override
      public int previewEvery() {
        return every;
      }

      @Override
      public void onPreview(Preview preview) {
        previews.accept(preview);
      }
    };
  }
}
