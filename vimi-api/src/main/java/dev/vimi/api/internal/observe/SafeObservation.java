package dev.vimi.api.internal.observe;

import dev.vimi.spi.RetrievedItem;

import dev.vimi.api.GenerationResult;
import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An observation that forwards every event and logs, instead of throwing, what the observer throws:
 * observing never changes a generation's outcome. Also the composite of several observers.
 */
public final class SafeObservation implements GenerationObservation {
  private static final Logger LOG = LoggerFactory.getLogger(SafeObservation.class);

  private final GenerationObservation delegate;
  private final String owner;

  private SafeObservation(GenerationObservation delegate, String owner) {
    this.delegate = delegate;
    this.owner = owner;
  }

  /** Starts {@code observer}'s observation of a generation; a failing or null start observes nothing. */
  public static GenerationObservation start(GenerationObserver observer, GenerationContext context) {
    GenerationObservation o;
    try {
      o = observer.start(context);
    } catch (RuntimeException e) {
      LOG.warn("generation observer {} failed to start an observation; this generation is not observed", observer, e);
      return NONE;
    }
    return o == null || o == NONE ? NONE : new SafeObservation(o, observer.toString());
  }

  /** One observer that starts each of {@code observers}, in order, and reports every event to all of them. */
  public static GenerationObserver composite(List<GenerationObserver> observers) {
    List<GenerationObserver> all = List.copyOf(observers);
    if (all.size() == 1) {
      return all.get(0);
    }
    return new GenerationObserver() {
      @Override
      public GenerationObservation start(GenerationContext context) {
        GenerationObservation[] started = new GenerationObservation[all.size()];
        for (int i = 0; i < started.length; i++) {
          started[i] = SafeObservation.start(all.get(i), context);
        }
        return new Fanout(started);
      }

      @Override
      public String toString() {
        return "composite" + all;
      }
    };
  }

  private void failed(String event, RuntimeException e) {
    LOG.warn("generation observer {} failed on {}; ignored", owner, event, e);
  }

  @Override
  public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
    try {
      delegate.onRetrieval(k, hits, nanos);
    } catch (RuntimeException e) {
      failed("onRetrieval", e);
    }
  }

  @Override
  public void onEncoderCall(EncoderCall call, long nanos) {
    try {
      delegate.onEncoderCall(call, nanos);
    } catch (RuntimeException e) {
      failed("onEncoderCall", e);
    }
  }

  @Override
  public void onStageStart(String stage, int stageIndex, int steps) {
    try {
      delegate.onStageStart(stage, stageIndex, steps);
    } catch (RuntimeException e) {
      failed("onStageStart", e);
    }
  }

  @Override
  public void onDenoiserCall(String stage, int batch, long nanos) {
    try {
      delegate.onDenoiserCall(stage, batch, nanos);
    } catch (RuntimeException e) {
      failed("onDenoiserCall", e);
    }
  }

  @Override
  public void onStep(String stage, int stageIndex, int step, long nanos) {
    try {
      delegate.onStep(stage, stageIndex, step, nanos);
    } catch (RuntimeException e) {
      failed("onStep", e);
    }
  }

  @Override
  public void onStageEnd(String stage, int stageIndex, int steps, long nanos) {
    try {
      delegate.onStageEnd(stage, stageIndex, steps, nanos);
    } catch (RuntimeException e) {
      failed("onStageEnd", e);
    }
  }

  @Override
  public void onSuccess(GenerationResult result, long nanos) {
    try {
      delegate.onSuccess(result, nanos);
    } catch (RuntimeException e) {
      failed("onSuccess", e);
    }
  }

  @Override
  public void onError(Throwable error, long nanos) {
    try {
      delegate.onError(error, nanos);
    } catch (RuntimeException e) {
      failed("onError", e);
    }
  }

  /** Every event to each of several (already safe) observations. */
  private record Fanout(GenerationObservation[] all) implements GenerationObservation {
    Fanout {
      Objects.requireNonNull(all);
    }

    @Override
    public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
      for (GenerationObservation o : all) {
        o.onRetrieval(k, hits, nanos);
      }
    }

    @Override
    public void onEncoderCall(EncoderCall call, long nanos) {
      for (GenerationObservation o : all) {
        o.onEncoderCall(call, nanos);
      }
    }

    @Override
    public void onStageStart(String stage, int stageIndex, int steps) {
      for (GenerationObservation o : all) {
        o.onStageStart(stage, stageIndex, steps);
      }
    }

    @Override
    public void onDenoiserCall(String stage, int batch, long nanos) {
      for (GenerationObservation o : all) {
        o.onDenoiserCall(stage, batch, nanos);
      }
    }

    @Override
    public void onStep(String stage, int stageIndex, int step, long nanos) {
      for (GenerationObservation o : all) {
        o.onStep(stage, stageIndex, step, nanos);
      }
    }

    @Override
    public void onStageEnd(String stage, int stageIndex, int steps, long nanos) {
      for (GenerationObservation o : all) {
        o.onStageEnd(stage, stageIndex, steps, nanos);
      }
    }

    @Override
    public void onSuccess(GenerationResult result, long nanos) {
      for (GenerationObservation o : all) {
        o.onSuccess(result, nanos);
      }
    }

    @Override
    public void onError(Throwable error, long nanos) {
      for (GenerationObservation o : all) {
        o.onError(error, nanos);
      }
    }
  }
}
