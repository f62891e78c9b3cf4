package dev.vimi.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;

/**
 * Progress on standard error: a bar redrawn in place on a terminal, a line every 10% (or every 10
 * seconds when the total is unknown) otherwise, so that logs of CI runs stay readable. Never reads
 * input. Not thread-safe: one thread reports.
 */
final class ProgressBar implements AutoCloseable {

  /** How progress is shown. */
  enum Mode {
    BAR,
    LINES,
    NONE;

    /** {@code auto}: a bar on a terminal, lines otherwise. */
    static Mode parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "bar" -> BAR;
        case "lines" -> LINES;
        case "none" -> NONE;
        case "auto" -> terminal() ? BAR : LINES;
        default -> throw new IllegalArgumentException("--progress must be auto, bar, lines or none, not '" + s + "'");
      };
    }

    private static boolean terminal() {
      String forced = System.getProperty("vimi.terminal");
      if (forced != null) {
        return Boolean.parseBoolean(forced);
      }
      Console c = System.console();
      if (c == null) {
        return false;
      }
      try { // Java 22+: a console exists even when redirected; ask whether it is a terminal
        Method m = Console.class.getMethod("isTerminal");
        return (Boolean) m.invoke(c);
      } catch (ReflectiveOperationException e) {
        return true;
      }
    }
  }

  private static final int WIDTH = 28;
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long LINE_NANOS = 10_000_000_000L;

  private final PrintWriter err;
  private final Mode mode;
  private final String label;
  private final String unit;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastDecile = -1;
  private boolean drawn;
  private double lastFraction = -1;
  private long lastCount;
  private long printedCount = -1;
  private String lastNote = "";

  ProgressBar(PrintWriter err, Mode mode, String label, String unit) {
    this.err = err;
    this.mode = mode;
    this.label = label;
    this.unit = unit;
  }

  /**
   * @param fraction done in [0, 1], or negative if unknown
   * @param count items done so far
   */
  void update(double fraction, long count) {
    update(fraction, count, "");
  }

  /**
   * @param fraction done in [0, 1], or negative if unknown
   * @param count items done so far
   * @param note appended to the line, e.g. the last commit of an ingest; "" for none
   */
  void update(double fraction, long count, String note) {
    lastNote = note;
    long now = System.nanoTime();
    lastFraction = fraction;
    lastCount = count;
    switch (mode) {
      case NONE -> {}
      case BAR -> {
        if (now - lastDraw < REDRAW_NANOS && fraction < 1) {
          return;
        }
        lastDraw = now;
        err.print("\r" + line(fraction, count, now) + "\u001b[K");
        err.flush();
        drawn = true;
      }
      case LINES -> {
        int decile = fraction < 0 ? -1 : (int) Math.floor(fraction * 10);
        boolean due = fraction >= 0 ? decile > lastDecile : now - lastDraw >= LINE_NANOS;
        if (due) {
          lastDecile = decile;
          lastDraw = now;
          printedCount = count;
          err.println(line(fraction, count, now));
          err.flush();
        }
      }
    }
  }

  private String line(double fraction, long count, long now) {
    double secs = Math.max(1e-9, (now - start) / 1e9);
    double rate = count / secs;
    StringBuilder sb = new StringBuilder(label).append(' ');
    if (fraction >= 0) {
      int fill = (int) Math.round(Math.min(1, fraction) * WIDTH);
      sb.append('[').append("=".repeat(fill)).append(" ".repeat(WIDTH - fill)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3d%%  ", (int) Math.floor(Math.min(1, fraction) * 100)));
    }
    sb.append(String.format(Locale.ROOT, "%,d %s  %,.0f/s", count, unit, rate));
    if (fraction > 0 && fraction < 1) {
      long eta = Math.round(secs / fraction - secs);
      sb.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
    }
    if (!lastNote.isEmpty()) {
      sb.append("  (").append(lastNote).append(')');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (mode == Mode.LINES && printedCount >= 0 && printedCount != lastCount) {
      err.println(line(lastFraction, lastCount, System.nanoTime())); // the final count
      err.flush();
    }
    if (mode == Mode.BAR && drawn) {
      err.println();
      err.flush();
    }
  }
}
