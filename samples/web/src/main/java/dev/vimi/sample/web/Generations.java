package dev.vimi.sample.web;

import dev.vimi.api.GenerationCancelledException;
import dev.vimi.api.GenerationRequest;
import dev.vimi.api.GenerationResult;
import dev.vimi.api.Progress;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.video.VideoWriters;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Runs the visitors' generations on the pipeline bean: at most {@code web.max-concurrent} at once and
 * {@code web.queue-capacity} waiting; one more is refused ({@link QueueFullException}, HTTP 429 with
 * Retry-After). Videos are written to the work folder under the job's random id; the oldest finished
 * jobs and their videos are deleted beyond {@code web.keep-videos}.
 *
 * <p>Thread-safe.
 */
@Service
class Generations {
  private static final Logger LOG = LoggerFactory.getLogger(Generations.class);

  private final VimiPipeline pipeline;
  private final WebProperties web;
  private final Path videos;
  private final ExecutorService workers;
  private final Semaphore slots;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Deque<Job> finished = new ArrayDeque<>();
  /** Mean seconds of recent generations, for Retry-After. */
  private final AtomicLong meanMillis = new AtomicLong(30_000);

  Generations(VimiPipeline pipeline, WebProperties web) {
    this.pipeline = pipeline;
    this.web = web;
    this.videos = web.work().resolve("videos");
    try {
      Files.createDirectories(videos);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + videos + "; set web.work-dir to a writable folder", e);
    }
    this.workers = Executors.newFixedThreadPool(web.maxConcurrent(), Thread.ofPlatform().name("vimi-generation-", 1).factory());
    this.slots = new Semaphore(web.maxConcurrent() + web.queueCapacity());
  }

  /**
   * Queues a generation.
   *
   * @throws QueueFullException when every slot and queue place is taken
   */
  Job submit(GenerationRequest request) {
    int steps = request.steps().length == 0 ? 0 : Arrays.stream(request.steps()).max().getAsInt();
    if (steps > web.maxSteps()) {
      throw new InvalidInputException("steps", "this server runs at most " + web.maxSteps() + " steps per stage, but " + steps + " were asked for");
    }
    if (!slots.tryAcquire()) {
      long waits = Math.max(1, (meanMillis.get() * (web.queueCapacity() + web.maxConcurrent()) / web.maxConcurrent() + 999) / 1000);
      throw new QueueFullException(web.maxConcurrent() + web.queueCapacity(), waits);
    }
    String id = UUID.randomUUID().toString();
    Job job = new Job(id, request, videos.resolve(id + ".mp4"));
    jobs.put(id, job);
    try {
      workers.execute(() -> run(job));
    } catch (RuntimeException e) {
      slots.release();
      jobs.remove(id);
      throw e;
    }
    return job;
  }

  Optional<Job> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  /** Cancels a job; a queued one never starts, a running one stops at its next step. */
  void cancel(Job job) {
    job.cancellation.cancel();
  }

  private void run(Job job) {
    long t0 = System.nanoTime();
    try {
      if (job.cancellation.isCancelled() || !job.state(Job.State.RUNNING)) {
        job.end(Job.State.CANCELLED, "cancelled", Map.of("message", "cancelled before it started"));
        return;
      }
      job.emit("state", Map.of("state", "running"));
      JobObserver.CURRENT.set(job);
      GenerationResult result;
      try {
        result = pipeline.generate(job.request, p -> progress(job, p), job.cancellation);
      } finally {
        JobObserver.CURRENT.remove();
      }
      VideoWriters.forPath(job.video).write(result.video(), job.video, web.videoScale());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      meanMillis.updateAndGet(m -> (m * 3 + ms) / 4);
      var v = result.video();
      Map<String, Object> done = new LinkedHashMap<>();
      done.put("video", "/api/generations/" + job.id + "/video.mp4");
      done.put("download", "/api/generations/" + job.id + "/video.mp4?download=true");
      done.put("frames", v.frameCount());
      done.put("width", v.width() * web.videoScale());
      done.put("height", v.height() * web.videoScale());
      done.put("fps", v.fps());
      done.put("seconds", ms / 1000.0);
      job.end(Job.State.DONE, "done", done);
      LOG.info("generation {} done in {} ms", job.id, ms);
    } catch (GenerationCancelledException e) {
      job.end(Job.State.CANCELLED, "cancelled", Map.of("message", "cancelled"));
      LOG.info("generation {} cancelled", job.id);
    } catch (InvalidInputException e) {
      job.end(Job.State.FAILED, "failed", Map.of("field", e.field(), "message", e.getMessage()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("generation {} failed", job.id, e);
      job.end(Job.State.FAILED, "failed", Map.of("message", String.valueOf(e.getMessage())));
    } finally {
      slots.release();
      retire(job);
    }
  }

  private static void progress(Job job, Progress p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("phase", p.phase().name().toLowerCase(Locale.ROOT));
    m.put("stage", p.stage());
    m.put("stageIndex", p.stageIndex());
    m.put("stageCount", p.stageCount());
    m.put("step", p.step());
    m.put("totalSteps", p.totalSteps());
    job.emit("progress", m);
  }

  /** Keeps the last {@code web.keep-videos} finished jobs; deletes older ones and their videos. */
  private void retire(Job job) {
    List<Job> old = new ArrayList<>();
    synchronized (finished) {
      finished.addLast(job);
      while (finished.size() > web.keepVideos()) {
        old.add(finished.removeFirst());
      }
    }
    for (Job j : old) {
      jobs.remove(j.id);
      try {
        Files.deleteIfExists(j.video);
      } catch (IOException e) {
        LOG.warn("could not delete {}", j.video, e);
      }
    }
  }

  @PreDestroy
  void stop() {
    jobs.values().forEach(j -> j.cancellation.cancel());
    workers.shutdownNow();
  }
}
