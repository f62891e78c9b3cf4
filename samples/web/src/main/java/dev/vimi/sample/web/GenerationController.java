package dev.vimi.sample.web;

import dev.vimi.api.GenerationRequest;
import dev.vimi.api.Guidance;
import dev.vimi.api.VimiPipeline;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.image.ImageLoader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The page's HTTP API.
 *
 * <ul>
 *   <li>{@code POST /api/generations} (multipart form: prompt, task, steps, guidance, seed, image for
 *       the subject task, firstFrame for the prediction task): 202 with the job's id and links; 400
 *       with {@code field} and the SDK's message for a bad field; 413 for an oversized upload; 429
 *       with Retry-After when the queue is full.
 *   <li>{@code GET /api/generations/{id}/events}: server-sent events {@code state}, {@code retrieved}
 *       (the pairs, as soon as retrieval is done), {@code progress} (per stage and step), then one of
 *       {@code done}, {@code failed}, {@code cancelled}. Closing it before the end cancels the job.
 *   <li>{@code GET /api/generations/{id}/video.mp4} ({@code ?download=true} to save it), {@code GET
 *       /api/generations/{id}/retrieved/{n}.png}, {@code GET /api/generations/{id}}, {@code DELETE
 *       /api/generations/{id}} (cancel).
 * </ul>
 *
 * Uploads are decoded in memory with the SDK's guarded image reader and never written to disk; the only
 * files served are the job's own video and retrieved pictures, looked up by the job's random id.
 */
@RestController
class GenerationController {
  private static final ImageLoader IMAGES = ImageLoader.withLimits(4096, 4096);

  private final Generations generations;
  private final VimiPipeline pipeline;

  GenerationController(Generations generations, VimiPipeline pipeline) {
    this.generations = generations;
    this.pipeline = pipeline;
  }

  @GetMapping("/api/info")
  Map<String, Object> info() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", pipeline.model().name());
    m.put("tasks", pipeline.taskNames());
    m.put("defaultTask", pipeline.defaultTask());
    m.put("stages", pipeline.model().stages().stream().map(s -> Map.of("name", s.name(), "steps", s.steps())).toList());
    m.put("pipeline", pipeline.info().toString());
    return m;
  }

  @PostMapping(path = "/api/generations", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<Map<String, Object>> submit(
      @RequestParam(name = "prompt", required = false) String prompt,
      @RequestParam(name = "task", defaultValue = "t2v") String task,
      @RequestParam(name = "steps", required = false) String steps,
      @RequestParam(name = "guidance", required = false) String guidance,
      @RequestParam(name = "seed", required = false) String seed,
      @RequestParam(name = "image", required = false) MultipartFile image,
      @RequestParam(name = "firstFrame", required = false) MultipartFile firstFrame) {
    if (!pipeline.taskNames().contains(task)) {
      throw new InvalidInputException("task", "unknown task '" + task + "'; this server has " + pipeline.taskNames());
    }
    GenerationRequest.Builder b = GenerationRequest.builder().task(task);
    ImageRef subject = upload("image", image);
    ImageRef first = upload("firstFrame", firstFrame);
    String text = prompt == null ? "" : prompt.strip();
    if (task.equals("subject")) {
      if (subject == null) {
        throw new InvalidInputException("image", "the subject task needs a picture of the subject");
      }
      // the picture takes the place of <image> in the prompt, or goes first when the prompt has none
      int at = text.indexOf("<image>");
      String before = at < 0 ? "" : text.substring(0, at);
      String after = at < 0 ? text : text.substring(at + "<image>".length());
      if (text.replace("<image>", "").isBlank()) {
        throw new InvalidInputException("prompt", "the prompt is empty; say what the subject does, e.g. \"moves left on a red background\"");
      }
      List<PromptSegment> segments = new ArrayList<>();
      if (!before.isBlank()) {
        segments.add(new PromptSegment.Text(before));
      }
      segments.add(new PromptSegment.Image(subject));
      segments.add(new PromptSegment.Text(after));
      b.segments(segments);
    } else {
      b.prompt(text);
    }
    if (task.equals("predict")) {
      if (first == null) {
        throw new InvalidInputException("firstFrame", "the predict task needs a first frame");
      }
      b.firstFrame(first);
    }
    if (notBlank(steps)) {
      b.steps(integer("steps", steps));
    }
    if (notBlank(guidance)) {
      b.guidance(Guidance.constant(decimal("guidance", guidance)));
    }
    if (notBlank(seed)) {
      b.seed(integer("seed", seed));
    }
    Job job = generations.submit(b.build());
    Map<String, Object> body = new LinkedHashMap<>(job.summary());
    body.put("events", "/api/generations/" + job.id + "/events");
    return ResponseEntity.accepted().body(body);
  }

  @GetMapping(path = "/api/generations/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@PathVariable("id") String id) {
    SseEmitter emitter = new SseEmitter(0L);
    job(id).listen(emitter);
    return emitter;
  }

  @GetMapping("/api/generations/{id}")
  Map<String, Object> status(@PathVariable("id") String id) {
    return job(id).summary();
  }

  @DeleteMapping("/api/generations/{id}")
  Map<String, Object> cancel(@PathVariable("id") String id) {
    Job job = job(id);
    generations.cancel(job);
    return job.summary();
  }

  @GetMapping("/api/generations/{id}/video.mp4")
  ResponseEntity<Resource> video(@PathVariable("id") String id, @RequestParam(name = "download", defaultValue = "false") boolean download) {
    Job job = job(id);
    if (job.state() != Job.State.DONE || !Files.isRegularFile(job.video)) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "generation " + id + " has no video (yet)");
    }
    ResponseEntity.BodyBuilder r = ResponseEntity.ok().contentType(MediaType.parseMediaType("video/mp4"));
    if (download) {
      r.header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename("vimi-" + id.substring(0, 8) + ".mp4").build().toString());
    }
    return r.body(new FileSystemResource(job.video));
  }

  @GetMapping(path = "/api/generations/{id}/retrieved/{n}.png", produces = MediaType.IMAGE_PNG_VALUE)
  byte[] retrieved(@PathVariable("id") String id, @PathVariable("n") int n) throws IOException {
    List<RetrievedItem> items = job(id).retrieved();
    if (n < 0 || n >= items.size() || items.get(n).image() == null) {
      throw new ResponseStatusException(HttpStatus.NOT_FOUND, "generation " + id + " has no retrieved picture " + n);
    }
    BufferedImage img = IMAGES.read(items.get(n).image());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private Job job(String id) {
    return generations.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no generation " + id));
  }

  /** Decodes an upload with the SDK's reader (format by content, size checked before decoding). */
  private static ImageRef upload(String field, MultipartFile file) {
    if (file == null || file.isEmpty()) {
      return null;
    }
    try {
      return IMAGES.readPixels(ImageRef.ofBytes(file.getBytes()));
    } catch (InvalidInputException e) {
      String why = e.getMessage().startsWith(e.field() + ": ") ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
      throw new InvalidInputException(field, "the uploaded picture " + file.getOriginalFilename() + " cannot be used: " + why, e);
    } catch (IOException e) {
      throw new InvalidInputException(field, "the upload failed: " + e.getMessage(), e);
    }
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static int integer(String field, String s) {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, "must be a whole number but is '" + s + "'");
    }
  }

  private static double decimal(String field, String s) {
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field, "must be a number but is '" + s + "'");
    }
  }
}
