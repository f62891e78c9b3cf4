package dev.vimi.sample.web;

import dev.vimi.api.observation.GenerationContext;
import dev.vimi.api.observation.GenerationObservation;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.spi.RetrievedItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Passes the retrieved pairs to the page as soon as retrieval is done, before sampling starts. A
 * {@link GenerationObserver} bean: the vimi starter registers it with the pipeline. It finds the job
 * through the generating thread ({@link Generations} sets {@link #CURRENT} around each generation).
 * Thread-safe.
 */
@Component
class JobObserver implements GenerationObserver {
  /** The job the generating thread works on. */
  static final ThreadLocal<Job> CURRENT = new ThreadLocal<>();

  @Override
  public GenerationObservation start(GenerationContext context) {
    Job job = CURRENT.get();
    if (job == null) {
      return GenerationObservation.NONE; // a generation this app did not start
    }
    return new GenerationObservation() {
      @Override
      public void onRetrieval(int k, List<RetrievedItem> hits, long nanos) {
        job.retrieved(hits);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
          RetrievedItem h = hits.get(i);
          items.add(Map.of("caption", h.caption(), "score", h.score(), "image", "/api/generations/" + job.id + "/retrieved/" + i + ".png"));
        }
        job.emit("retrieved", items);
      }
    };
  }
}
