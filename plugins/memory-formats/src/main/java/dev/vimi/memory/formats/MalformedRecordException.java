package dev.vimi.memory.formats;

import dev.vimi.spi.InvalidInputException;
import java.io.Serial;
import java.util.Objects;

/**
 * A record of an image-text data set cannot be read, and the reader's policy is {@link
 * MalformedPolicy#FAIL} (or the damage, such as a truncated tar shard, makes reading on impossible).
 * The message names the source, the location (line number, tar entry, file) and what was wrong.
 */
public final class MalformedRecordException extends InvalidInputException {
  @Serial private static final long serialVersionUID = 1L;

  private final String source;
  private final String location;
  private final SkipReason reason;

  public MalformedRecordException(String source, String location, SkipReason reason, String detail) {
    this(source, location, reason, detail, null);
  }

  public MalformedRecordException(
      String source, String location, SkipReason reason, String detail, Throwable cause) {
    super("record", message(source, location, reason, detail), cause);
    this.source = Objects.requireNonNull(source, "source");
    this.location = Objects.requireNonNull(location, "location");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  private static String message(String source, String location, SkipReason reason, String detail) {
    String fix =
        reason == SkipReason.TRUNCATED_SHARD || reason == SkipReason.CORRUPT_SHARD
            ? "the shard is damaged: copy or create it again, or read with MalformedPolicy.SKIP to count"
                + " the lost sample and go on with the next shard"
            : "fix the record, or read with MalformedPolicy.SKIP to skip and count such records";
    return source + ", " + location + ": " + reason.description() + ": " + detail + " (" + fix + ")";
  }

  /** The file or stream the record came from. */
  public String source() {
    return source;
  }

  /** Where in the source: {@code "line 17"}, {@code "entry 000123.jpg at byte 51200"}, a file name. */
  public String location() {
    return location;
  }

  /** The kind of damage. */
  public SkipReason reason() {
    return reason;
  }
}
