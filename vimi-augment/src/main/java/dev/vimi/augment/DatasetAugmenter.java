package dev.vimi.augment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.memory.formats.LineReader;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.TaskInput;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.VimiException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retrieval-augmented dataset builder of ViMi (section 3.1): for every caption of a video or
 * image data set, retrieve the top-K image-text pairs from a memory and write the multimodal prompt
 * the model is trained with. Works with any {@link Retriever}.
 *
 * <h2>Input</h2>
 *
 * JSONL in UTF-8, one record per line: {@code id} (string or number), {@code caption} (string), and
 * optionally {@code media} (any JSON value, e.g. the path of the video; copied to the output as is).
 * Blank lines are ignored. A file whose name ends in {@code .gz} is read gzip-decompressed. Lines are
 * read with the strict reader every JSONL input of vimi goes through ({@link LineReader}): a line that
 * is not valid UTF-8 is a malformed record, never a caption with replacement characters in it.
 *
 * <h2>Output</h2>
 *
 * JSONL, one record per input record and in input order:
 *
 * <pre>{@code
 * {"id": "v1", "task": "t2v", "instruction": "Generate a video with the retrieved text-image examples and text prompt.",
 *  "caption": "a dog surfing", "media": "videos/v1.mp4",
 *  "retrieved": [{"id": "m7", "caption": "dog face", "image": {"path": "/memory/dog.png"}, "score": 7.1}, ...],
 *  "prompt": [{"text": "Generate ..."}, {"image": {"path": "/memory/dog.png"}}, {"text": "dog face"}, ..., {"text": "a dog surfing"}],
 *  "prompt_text": "Generate ... <image> dog face ... a dog surfing"}
 * }</pre>
 *
 * {@code prompt} is what the task's {@link TaskInstruction#assemble} makes of the caption and the
 * hits; {@code prompt_text} is its placeholder form. Images are {@code {"path": ...}}, {@code {"uri":
 * ...}} or {@code {"base64": ...}}.
 *
 * <h2>Leakage</h2>
 *
 * A caption's own pair is never among its hits: the record's id is excluded from its query. This
 * assumes that the memory stores a data set's pairs under the data set's ids.
 *
 * <h2>Resuming</h2>
 *
 * Records are appended line by line, each line complete before its newline. A run that stops (crash,
 * kill, an error) leaves an output whose complete lines are valid records; the next run with the same
 * input and output cuts off any partial last line, checks that the last complete record matches the
 * input record at that position, and continues after it. The output is flushed after every batch and
 * forced to disk every 64 batches and at the end.
 *
 * <h2>Threads and ownership</h2>
 *
 * One thread (the caller's) reads and writes; {@code threads} workers retrieve and assemble batches
 * concurrently, so the retriever must be thread-safe (the {@link Retriever} contract requires it).
 * <b>Thread-safety:</b> a built augmenter is immutable and may run several times, also from several
 * threads at once on different outputs; {@link #run} blocks until done, and its worker threads end
 * with it. <b>Ownership:</b> the caller owns the retriever and the task and closes the retriever; the
 * augmenter holds no file between runs, and a run closes every file it opened before it returns.
 *
 * <pre>{@code
 * Plugins plugins = Plugins.discover();
 * TaskInstruction t2v = plugins.tasks().get("t2v").create(ProviderConfig.empty("task t2v"));
 * try (Retriever memory = plugins.retrievers().get("lucene").open(config)) {
 *   AugmentResult r = DatasetAugmenter.builder(memory, t2v).k(3).build()
 *       .run(Path.of("captions.jsonl"), Path.of("augmented.jsonl"));
 * }
 * }</pre>
 */
public final class DatasetAugmenter {
  /** Hits per caption when building training data, as in the paper. */
  public static final int DEFAULT_K = 3;

  private static final Logger LOG = LoggerFactory.getLogger(DatasetAugmenter.class);
  private static final int FORCE_EVERY_BATCHES = 64;

  private final Retriever retriever;
  private final TaskInstruction task;
  private final int k;
  private final int threads;
  private final int batchSize;
  private final boolean skipMalformed;
  private final AugmentListener listener;
  private final ObjectMapper json = new ObjectMapper();

  private DatasetAugmenter(Builder b) {
    this.retriever = b.retriever;
    this.task = b.task;
    this.k = b.k;
    this.threads = b.threads;
    this.batchSize = b.batchSize;
    this.skipMalformed = b.skipMalformed;
    this.listener = b.listener;
  }

  /**
   * A builder over a retriever and the task whose instruction and prompt layout the records get.
   *
   * @throws ConfigurationException if the task does not retrieve (only retrieving tasks, such as
   *     {@code t2v}, are trained on augmented prompts)
   */
  public static Builder builder(Retriever retriever, TaskInstruction task) {
    Objects.requireNonNull(retriever, "retriever");
    Objects.requireNonNull(task, "task");
    if (!task.retrieves()) {
      throw new ConfigurationException(
          "task '" + task.name() + "' does not use retrieval; augmented data sets are built for retrieving tasks such as t2v");
    }
    return new Builder(retriever, task);
  }

  /** Configures a {@link DatasetAugmenter}. Not thread-safe. */
  public static final class Builder {
    private final Retriever retriever;
    private final TaskInstruction task;
    private int k = DEFAULT_K;
    private int threads = Runtime.getRuntime().availableProcessors();
    private int batchSize = 64;
    private boolean skipMalformed;
    private AugmentListener listener = new AugmentListener() {};

    private Builder(Retriever retriever, TaskInstruction task) {
      this.retriever = retriever;
      this.task = task;
    }

    /** Hits per caption, in [1, {@value RetrievalQuery#MAX_K}]; default {@value #DEFAULT_K}. */
    public Builder k(int k) {
      if (k < 1 || k > RetrievalQuery.MAX_K) {
        throw new InvalidInputException("k", "K must be in [1, " + RetrievalQuery.MAX_K + "] but is " + k);
      }
      this.k = k;
      return this;
    }

    /** Worker threads, in [1, 256]; default: available processors. */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 256) {
        throw new InvalidInputException("threads", "threads must be in [1, 256] but is " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Records per batch handed to a worker, in [1, 100000]; default 64. */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 100_000) {
        throw new InvalidInputException("batch_size", "batch size must be in [1, 100000] but is " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * If true, a malformed input record (bad JSON, no id, no caption, a caption the retriever or the
     * task refuses) is skipped, counted and logged with its line; if false (default), it stops the run.
     */
    public Builder skipMalformed(boolean skip) {
      this.skipMalformed = skip;
      return this;
    }

    /** Receives the start and the progress of each run, on the thread that calls {@link #run}; default: none. */
    public Builder listener(AugmentListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** An immutable augmenter with the settings so far; the builder may go on and build others. */
    public DatasetAugmenter build() {
      return new DatasetAugmenter(this);
    }
  }

  /** One input record. */
  private record Input(long line, String id, String caption, JsonNode media) {}

  /** The output lines of one batch, in order; null where a record was skipped. */
  private record Batch(List<String> lines, int withoutHits) {}

  /**
   * Augments {@code input} into {@code output}, continuing an earlier run if {@code output} exists.
   *
   * @throws ConfigurationException if the input is missing, or the output belongs to another input
   * @throws InvalidInputException for a malformed record when malformed records are not skipped
   */
  public AugmentResult run(Path input, Path output) {
    long start = System.nanoTime();
    if (!Files.isRegularFile(input)) {
      throw new ConfigurationException("caption file " + input + " does not exist or is not a file");
    }
    Resume resume = recover(input, output);
    boolean createdHere = !Files.exists(output);
    long totalBytes;
    try {
      totalBytes = Files.size(input);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + input, e);
    }
    long[] skipped = {0};
    long written = 0;
    int withoutHits = 0;
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "vimi-augment-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    Deque<Future<Batch>> window = new ArrayDeque<>();
    try (LineReader in = open(input);
        BufferedWriter out =
            new BufferedWriter(
                new OutputStreamWriter(
                    Channels.newOutputStream(FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)),
                    StandardCharsets.UTF_8),
                1 << 16)) {
      // skip what an earlier run wrote, checking that it came from this input
      Input last = null;
      for (long i = 0; i < resume.records; i++) {
        last = next(in, skipped, input);
        if (last == null) {
          throw new ConfigurationException(
              "the output " + output + " holds " + resume.records + " records but the input " + input + " has only " + i
                  + "; it was written from another input: choose a new output file or delete it");
        }
      }
      if (last != null && !last.id().equals(resume.lastId)) {
        throw new ConfigurationException(
            "the output " + output + " does not continue the input " + input + ": its record " + resume.records + " has id '"
                + resume.lastId + "' but input record " + resume.records + " (line " + last.line() + ") has id '" + last.id()
                + "'; choose a new output file or delete it");
      }
      listener.onStart(resume.records, totalBytes);
      if (resume.records > 0) {
        LOG.info("resuming {} after {} records already written", output, resume.records);
      }
      int batches = 0;
      while (true) {
        List<Input> batch = new ArrayList<>(batchSize);
        Input rec;
        while (batch.size() < batchSize && (rec = next(in, skipped, input)) != null) {
          batch.add(rec);
        }
        if (!batch.isEmpty()) {
          window.add(pool.submit(() -> process(batch, input)));
        }
        boolean end = batch.isEmpty();
        while (!window.isEmpty() && (end || window.size() >= threads * 2)) {
          Batch done = await(window.poll());
          for (String line : done.lines()) {
            if (line == null) {
              skipped[0]++;
            } else {
              out.write(line);
              out.write('\n');
              written++;
            }
          }
          withoutHits += done.withoutHits();
          out.flush();
          if (++batches % FORCE_EVERY_BATCHES == 0) {
            force(output);
          }
          listener.onProgress(new AugmentProgress(resume.records, written, skipped[0], in.bytesRead(), totalBytes));
        }
        if (end) {
          break;
        }
      }
      out.flush();
      force(output);
    } catch (IOException e) {
      removeIfEmpty(output, createdHere);
      throw new UncheckedIOException("augmenting " + input + " into " + output + " failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      removeIfEmpty(output, createdHere); // a run that fails before its first record leaves no empty file behind
      throw e;
    } finally {
      window.forEach(f -> f.cancel(true));
      pool.shutdownNow();
    }
    return new AugmentResult(output, resume.records, written, skipped[0], withoutHits, Duration.ofNanos(System.nanoTime() - start));
  }

  private static void removeIfEmpty(Path output, boolean createdHere) {
    try {
      if (createdHere && Files.isRegularFile(output) && Files.size(output) == 0) {
        Files.delete(output);
      }
    } catch (IOException e) {
      LOG.warn("could not remove the empty output {}: {}", output, e.toString());
    }
  }

  private static Batch await(Future<Batch> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VimiException("augmentation was interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new BackendException("augmentation failed: " + e.getCause(), e.getCause());
    }
  }

  /** Opens the captions; a {@code .gz} name that does not hold gzip data is the caller's mistake. */
  private static LineReader open(Path input) throws IOException {
    try {
      return LineReader.open(input);
    } catch (ZipException e) {
      throw new ConfigurationException(
          "caption file " + input + " ends in .gz but is not gzip-compressed data (" + e.getMessage() + "); compress it"
              + " with gzip, or remove the .gz from its name", e);
    }
  }

  /** The next valid record, or null at the end; malformed records are skipped (counted) or thrown. */
  private Input next(LineReader in, long[] skipped, Path input) throws IOException {
    while (true) {
      try {
        String line = in.readLine();
        if (line == null) {
          return null;
        }
        if (!line.isBlank()) {
          return parse(line, in.lineNumber());
        }
      } catch (InvalidInputException e) { // not UTF-8, or not a caption record
        malformed(input + " line " + in.lineNumber() + ": " + e.getMessage(), e);
        skipped[0]++;
      }
    }
  }

  private void malformed(String message, InvalidInputException e) {
    if (!skipMalformed) {
      throw new InvalidInputException(
          e.field(), message + " (fix the record, or skip malformed records with skipMalformed(true))", e);
    }
    LOG.warn("skipped {}", message);
  }

  private Input parse(String line, long lineNo) {
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("record", "not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("record", "expected a JSON object");
    }
    JsonNode id = node.get("id");
    if (id == null || !(id.isTextual() || id.isIntegralNumber()) || id.asText().isBlank()) {
      throw new InvalidInputException("id", "the record needs an 'id' (a string or an integer)");
    }
    JsonNode caption = node.get("caption");
    if (caption == null || !caption.isTextual() || caption.asText().isBlank()) {
      throw new InvalidInputException("caption", "record '" + id.asText() + "' needs a non-empty 'caption' string");
    }
    return new Input(lineNo, id.asText(), caption.asText().strip(), node.get("media"));
  }

  private Batch process(List<Input> batch, Path input) {
    List<String> lines = new ArrayList<>(batch.size());
    int withoutHits = 0;
    for (Input rec : batch) {
      try {
        TaskInput in = new TaskInput(List.of(PromptSegment.text(rec.caption())), null);
        task.validate(in);
        List<RetrievedItem> hits = retriever.retrieve(new RetrievalQuery(task.retrievalQuery(in), k, Set.of(rec.id())));
        if (hits.isEmpty()) {
          withoutHits++;
        }
        lines.add(json.writeValueAsString(record(rec, hits, task.assemble(in, hits))));
      } catch (InvalidInputException e) {
        malformed(input + " line " + rec.line() + " (id '" + rec.id() + "'): " + e.getMessage(), e);
        lines.add(null);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("writing a JSON tree cannot fail", e);
      }
    }
    return new Batch(lines, withoutHits);
  }

  private ObjectNode record(Input rec, List<RetrievedItem> hits, MultimodalPrompt prompt) {
    ObjectNode o = json.createObjectNode();
    o.put("id", rec.id());
    o.put("task", task.name());
    o.put("instruction", task.instruction());
    o.put("caption", rec.caption());
    if (rec.media() != null) {
      o.set("media", rec.media());
    }
    ArrayNode retrieved = o.putArray("retrieved");
    for (RetrievedItem h : hits) {
      ObjectNode r = retrieved.addObject();
      r.put("id", h.id());
      r.put("caption", h.caption());
      if (h.image() != null) {
        r.set("image", image(h.image(), h.id()));
      }
      r.put("score", h.score());
    }
    ArrayNode segments = o.putArray("prompt");
    for (PromptSegment s : prompt.segments()) {
      switch (s) {
        case PromptSegment.Text t -> segments.addObject().put("text", t.text());
        case PromptSegment.Image i -> segments.addObject().set("image", image(i.image(), rec.id()));
      }
    }
    o.put("prompt_text", prompt.toPlaceholderText());
    return o;
  }

  private ObjectNode image(ImageRef image, String id) {
    ObjectNode o = json.createObjectNode();
    switch (image) {
      case ImageRef.OfPath p -> o.put("path", p.path().toString());
      case ImageRef.OfUri u -> o.put("uri", u.uri().toString());
      case ImageRef.OfBytes b -> o.put("base64", Base64.getEncoder().encodeToString(b.data()));
      case ImageRef.OfPixels px ->
          throw new BackendException(
              "the prompt of record '" + id + "' holds decoded pixels, which a JSONL data set cannot carry; use a retriever"
                  + " that returns image files, URIs or encoded bytes");
    }
    return o;
  }

  // ---- resuming -------------------------------------------------------------------------------

  /** What an earlier run left: complete records and the id of the last one. */
  private record Resume(long records, String lastId) {}

  /**
   * Checks that an existing {@code output} is an augmented data set an earlier run wrote (anything else
   * is refused and left untouched), cuts a partial last line off it and counts its complete records.
   */
  private Resume recover(Path input, Path output) {
    if (!Files.exists(output)) {
      return new Resume(0, null);
    }
    if (Files.isDirectory(output)) {
      throw new ConfigurationException(
          "the output " + output + " is a folder; give the name of a JSONL file for the augmented records (a new file,"
              + " or the output of an earlier run to resume it)");
    }
    try {
      if (Files.isSameFile(input, output)) {
        throw new ConfigurationException(
            "the output " + output + " is the input file; give another file for the augmented records");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect the existing output " + output + ": " + e.getMessage(), e);
    }
    try (FileChannel ch = FileChannel.open(output, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size > 0 && !startsLikeAugmentedRecord(ch)) {
        throw new ConfigurationException(
            "the output " + output + " exists and is not an augmented data set (its first line is not an augmented"
                + " record); it is left as it is. Choose a new output file, or the output of an earlier run to resume it");
      }
      long end = lastNewline(ch, size) + 1; // 0 if there is none
      if (end < size) {
        LOG.warn("{}: cutting off an incomplete last record ({} bytes) left by an interrupted run", output, size - end);
        ch.truncate(end);
        ch.force(true);
      }
      if (end == 0) {
        return new Resume(0, null);
      }
      long records = 0;
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = 0;
      while (pos < end) {
        buf.clear();
        int n = ch.read(buf, pos);
        if (n <= 0) {
          break;
        }
        for (int i = 0; i < n && pos + i < end; i++) {
          if (buf.get(i) == '\n') {
            records++;
          }
        }
        pos += n;
      }
      long lastStart = lastNewline(ch, end - 1) + 1;
      ByteBuffer lastLine = ByteBuffer.allocate((int) (end - 1 - lastStart));
      while (lastLine.hasRemaining() && ch.read(lastLine, lastStart + lastLine.position()) > 0) {
        // read the whole line
      }
      String text = new String(lastLine.array(), 0, lastLine.position(), StandardCharsets.UTF_8);
      JsonNode id;
      try {
        id = json.readTree(text).get("id");
      } catch (JsonProcessingException e) {
        id = null;
      }
      if (id == null || !id.isTextual()) {
        throw new ConfigurationException(
            "the output " + output + " exists but its last line is not an augmented record; choose a new output file or delete it");
      }
      return new Resume(records, id.asText());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot inspect the existing output " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the file starts the way every record this class writes starts: a complete first line
   * that is a JSON object with {@code id}, {@code task} and {@code prompt_text}, or (an interrupted
   * first record) {@code {"id":} followed by {@code ,"task":}.
   */
  private boolean startsLikeAugmentedRecord(FileChannel ch) throws IOException {
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
    while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
      // read the head
    }
    String text = new String(head.array(), 0, head.position(), StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    if (nl < 0) {
      return text.startsWith("{\"id\":") && text.contains(",\"task\":");
    }
    try {
      JsonNode first = json.readTree(text.substring(0, nl));
      return first != null && first.isObject() && first.has("id") && first.has("task") && first.has("prompt_text");
    } catch (JsonProcessingException e) {
      return false;
    }
  }

  /** Position of the last '\n' before {@code limit}, or -1. */
  private static long lastNewline(FileChannel ch, long limit) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long end = limit;
    while (end > 0) {
      long start = Math.max(0, end - buf.capacity());
      buf.clear();
      buf.limit((int) (end - start));
      while (buf.hasRemaining() && ch.read(buf, start + buf.position()) > 0) {
        // read the whole block
      }
      for (int i = (int) (end - start) - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return start + i;
        }
      }
      end = start;
    }
    return -1;
  }

  private static void force(Path output) throws IOException {
    try (FileChannel ch = FileChannel.open(output, StandardOpenOption.WRITE)) {
      ch.force(false);
    }
  }
}
