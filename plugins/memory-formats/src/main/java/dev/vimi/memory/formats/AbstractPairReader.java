package dev.vimi.memory.formats;

import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy half of every reader: pulls records from {@link #readNext()}, applies the {@link
 * MalformedPolicy}, counts and logs skips. Subclasses only parse.
 */
abstract class AbstractPairReader implements PairReader {
  /** Skips logged at WARN per reader; further skips are logged at DEBUG and summarised on close. */
  static final int LOGGED_SKIPS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(PairReader.class);

  protected final ReadOptions options;
  private final String source;
  private final MemoryFormat format;
  private final EnumMap<SkipReason, Long> skippedByReason = new EnumMap<>(SkipReason.class);
  private ImageTextPair next;
  private boolean done;
  private boolean closed;
  private long read;
  private long skipped;

  AbstractPairReader(String source, MemoryFormat format, ReadOptions options) {
    this.source = source;
    this.format = format;
    this.options = options;
  }

  /**
   * The next record as a pair, or null at the end of the input.
   *
   * @throws RecordProblem for a bad record; the parser must be positioned after it so that the
   *     next call continues with the following record (or the next shard)
   */
  protected abstract ImageTextPair readNext() throws IOException;

  /** Where the record last handed out or rejected sits, e.g. {@code "line 17"}. */
  protected abstract String location();

  /** The file of the current record, for readers that read several (shards, folders). */
  protected String currentSource() {
    return source;
  }

  /** Releases the input. Called once. */
  protected abstract void closeInput() throws IOException;

  @Override
  public final boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    if (closed) {
      throw new IllegalStateException("reader of " + source + " is closed");
    }
    while (true) {
      try {
        ImageTextPair p = readNext();
        if (p == null) {
          done = true;
          return false;
        }
        next = p;
        return true;
      } catch (RecordProblem problem) {
        reject(problem);
      } catch (IOException e) {
        throw new UncheckedIOException(
            currentSource() + ", " + location() + ": cannot read the input: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public final ImageTextPair next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more pairs in " + source);
    }
    ImageTextPair p = next;
    next = null;
    read++;
    return p;
  }

  private void reject(RecordProblem problem) {
    if (options.onMalformed() == MalformedPolicy.FAIL) {
      done = true;
      throw new MalformedRecordException(
          currentSource(), location(), problem.reason, problem.detail, problem.getCause());
    }
    skipped++;
    skippedByReason.merge(problem.reason, 1L, Long::sum);
    if (skipped <= LOGGED_SKIPS) {
      LOG.warn(
          "skipped {}, {}: {}: {}{}",
          currentSource(),
          location(),
          problem.reason.description(),
          problem.detail,
          skipped == LOGGED_SKIPS ? " (further skips of this reader are logged at DEBUG)" : "");
    } else {
      LOG.debug("skipped {}, {}: {}: {}", currentSource(), location(), problem.reason.description(), problem.detail);
    }
  }

  @Override
  public final String source() {
    return source;
  }

  @Override
  public final MemoryFormat format() {
    return format;
  }

  @Override
  public final ReadCounts counts() {
    return new ReadCounts(read, skipped, skippedByReason);
  }

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    next = null;
    if (skipped > 0) {
      LOG.warn("{}: {}", source, counts().summary());
    }
    try {
      closeInput();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + source, e);
    }
  }
}
