package dev.vimi.memory.formats;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a reader has done so far: pairs handed out and records skipped, by reason. Immutable.
 *
 * @param read pairs returned by the reader
 * @param skipped records skipped under {@link MalformedPolicy#SKIP}
 * @param skippedByReason the skipped records by reason; only reasons that occurred are present
 */
public record ReadCounts(long read, long skipped, Map<SkipReason, Long> skippedByReason) {
  public ReadCounts {
    Objects.requireNonNull(skippedByReason, "skippedByReason");
    EnumMap<SkipReason, Long> copy = new EnumMap<>(SkipReason.class);
    copy.putAll(skippedByReason);
    skippedByReason = Collections.unmodifiableMap(copy);
  }

  /** No record read yet. */
  public static ReadCounts none() {
    return new ReadCounts(0, 0, Map.of());
  }

  /** The sum of two counts, e.g. over several shards. */
  public ReadCounts plus(ReadCounts other) {
    EnumMap<SkipReason, Long> sum = new EnumMap<>(SkipReason.class);
    sum.putAll(skippedByReason);
    other.skippedByReason.forEach((r, n) -> sum.merge(r, n, Long::sum));
    return new ReadCounts(read + other.read, skipped + other.skipped, sum);
  }

  /** One line such as {@code "1200 read, 3 skipped (missing caption: 2, bad image reference: 1)"}. */
  public String summary() {
    StringBuilder sb = new StringBuilder().append(read).append(" read, ").append(skipped).append(" skipped");
    if (!skippedByReason.isEmpty()) {
      sb.append(" (");
      boolean first = true;
      for (Map.Entry<SkipReason, Long> e : skippedByReason.entrySet()) {
        if (!first) {
          sb.append(", ");
        }
        first = false;
        sb.append(e.getKey().description()).append(": ").append(e.getValue());
      }
      sb.append(')');
    }
    return sb.toString();
  }
}
