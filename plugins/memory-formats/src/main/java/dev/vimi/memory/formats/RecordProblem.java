package dev.vimi.memory.formats;

import java.io.Serial;

/**
 * Internal signal from a format parser to {@link AbstractPairReader}: this record is bad. Carries no
 * stack trace (it is control flow, thrown once per bad record, possibly millions of times).
 */
final class RecordProblem extends RuntimeException {
  @Serial private static final long serialVersionUID = 1L;

  final SkipReason reason;
  final String detail;

  RecordProblem(SkipReason reason, String detail) {
    this(reason, detail, null);
  }

  RecordProblem(SkipReason reason, String detail, Throwable cause) {
    super(detail, cause, false, false);
    this.reason = reason;
    this.detail = detail;
  }
}
