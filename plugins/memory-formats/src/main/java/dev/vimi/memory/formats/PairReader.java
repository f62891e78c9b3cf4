package dev.vimi.memory.formats;

import dev.vimi.spi.ImageTextPair;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A stream of image-text pairs read from a data set, one record at a time: memory use does not grow
 * with the size of the input.
 *
 * <p>{@link #hasNext()} and {@link #next()} throw {@link MalformedRecordException} for a bad record
 * (a truncated tar shard included) under {@link MalformedPolicy#FAIL}, and {@link
 * java.io.UncheckedIOException} when the input cannot be read. Under {@link MalformedPolicy#SKIP}
 * bad records are skipped, counted in {@link #counts()} and logged with their line or entry; a
 * truncated shard then counts its unfinished sample and reading goes on with the next shard.
 *
 * <p><b>Thread-safety.</b> Not thread-safe: one thread reads. <b>Ownership.</b> The caller that opened
 * a reader closes it; closing releases the file handles. Pairs handed out are immutable and owned by
 * the caller.
 */
public interface PairReader extends Iterator<ImageTextPair>, AutoCloseable {

  /** The file (or stream name) being read, as used in messages. */
  String source();

  /** The format of the input. */
  MemoryFormat format();

  /** Pairs read and records skipped so far. */
  ReadCounts counts();

  /**
   * Bytes of input consumed so far (compressed bytes for {@code .gz} inputs, read-ahead included),
   * for progress reporting.
   */
  long bytesRead();

  /** Total bytes of input if known (sum of file sizes), otherwise -1. */
  long totalBytes();

  /** The remaining pairs as a sequential stream; closing the stream does not close the reader. */
  default Stream<ImageTextPair> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /** Releases the input and logs a summary of skipped records, if any. Idempotent. */
  @Override
  void close();
}
