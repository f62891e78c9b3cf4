package dev.vimi.api.internal.observe;

import dev.vimi.api.Progress;
import dev.vimi.api.ProgressListener;
import dev.vimi.api.observation.GenerationObservation;

/**
 * The caller's progress listener, plus stage and step timing read off the pipeline's progress events:
 * a {@link Progress.Phase#SAMPLING} event at step 0 starts a stage, each later one ends a step, and
 * the one at {@code totalSteps} ends the stage. The caller's listener sees every event unchanged. Step
 * times leave out the caller's listener. Not thread-safe; one per generation.
 */
final class ObservedProgress implements ProgressListener {
  private final ProgressListener delegate;
  private final GenerationObservation obs;
  private long stageStart;
  private long stepStart;

  ObservedProgress(ProgressListener delegate, GenerationObservation obs) {
    this.delegate = delegate;
    this.obs = obs;
  }

  @Override
  public void onProgress(Progress p) {
    if (p.phase() == Progress.Phase.SAMPLING) {
      long now = System.nanoTime();
      if (p.step() == 0) {
        stageStart = now;
        obs.onStageStart(p.stage(), p.stageIndex(), p.totalSteps());
      } else {
        obs.onStep(p.stage(), p.stageIndex(), p.step(), now - stepStart);
        if (p.step() == p.totalSteps()) {
          obs.onStageEnd(p.stage(), p.stageIndex(), p.totalSteps(), now - stageStart);
        }
      }
      delegate.onProgress(p);
      stepStart = System.nanoTime();
    } else {
      delegate.onProgress(p);
    }
  }
}
