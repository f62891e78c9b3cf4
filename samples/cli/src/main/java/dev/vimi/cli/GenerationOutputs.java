package dev.vimi.cli;

import dev.vimi.api.GeneratedVideo;
import dev.vimi.api.Preview;
import dev.vimi.api.ProgressListener;
import dev.vimi.spi.Tensor;
import dev.vimi.spi.Video;
import dev.vimi.video.ContactSheet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where {@code vimi generate} writes several videos and previews: {@code name-1.mp4, name-2.mp4, ...}
 * for {@code --count}, one contact sheet of all videos (a row per video), and the preview frames of
 * the last step seen. Not thread-safe except {@link Previews}, which the generating thread fills.
 */
final class GenerationOutputs {
  /** Most frames per row of a sheet; longer videos are sampled evenly. */
  static final int MAX_SHEET_COLUMNS = 16;

  private GenerationOutputs() {}

  /** {@code vimi.mp4} -> {@code vimi-3.mp4}; {@code frames/} -> {@code frames-3}. */
  static Path numbered(Path out, int i) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String numbered = dot > 0 ? name.substring(0, dot) + "-" + i + name.substring(dot) : name + "-" + i;
    return out.resolveSibling(numbered);
  }

  /** {@code vimi.mp4} -> {@code vimi-<suffix>.png}. */
  static Path sibling(Path out, String suffix) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-" + suffix + ".png");
  }

  /** One sheet of several videos of one size: a row per video, at most {@link #MAX_SHEET_COLUMNS} frames each. */
  static void writeSheet(List<Video> videos, Path target, int scale) throws IOException {
    Video first = videos.get(0);
    int t = first.frameCount();
    int cols = Math.min(t, MAX_SHEET_COLUMNS);
    if (videos.size() == 1 && t <= MAX_SHEET_COLUMNS) {
      ContactSheet.write(first, target, ContactSheet.defaultColumns(t), scale);
      return;
    }
    int h = first.height();
    int w = first.width();
    int plane = h * w;
    int rows = videos.size();
    float[] all = new float[3 * rows * cols * plane];
    for (int r = 0; r < rows; r++) {
      Video v = videos.get(r);
      float[] f = v.frames().toArray();
      int tn = v.frameCount();
      for (int k = 0; k < cols; k++) {
        int src = cols == 1 ? 0 : (int) Math.round(k * (tn - 1.0) / (cols - 1.0));
        for (int c = 0; c < 3; c++) {
          System.arraycopy(f, (c * tn + src) * plane, all, (c * rows * cols + r * cols + k) * plane, plane);
        }
      }
    }
    ContactSheet.write(new Video(Tensor.of(all, 3, rows * cols, h, w), first.fps()), target, cols, scale);
  }

  static List<Video> videos(List<GeneratedVideo> generated) {
    List<Video> out = new ArrayList<>();
    for (GeneratedVideo g : generated) {
      out.add(g.video());
    }
    return out;
  }

  /**
   * Keeps the latest preview (and optionally writes each to a file); after a cancel, {@link
   * #writeLast} writes the frames of the last step seen. Thread-safe.
   */
  static final class Previews {
    private final Path liveTarget;
    private final int scale;
    private Preview last;

    Previews(Path liveTarget, int scale) {
      this.liveTarget = liveTarget;
      this.scale = scale;
    }

    /** A listener forwarding progress to {@code progress} and previews every {@code every} steps here. */
    ProgressListener listener(int every, ProgressListener progress) {
      return every <= 0 ? progress : ProgressListener.withPreviews(every, progress, this::accept);
    }

    synchronized void accept(Preview p) {
      last = p;
      if (liveTarget != null) {
        try {
          writeSheet(p.videos(), liveTarget, scale);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException("cannot write the preview to " + liveTarget + ": " + e.getMessage(), e);
        }
      }
    }

    synchronized Preview last() {
      return last;
    }

    /** Writes the last preview seen as a sheet; false when none was seen. */
    synchronized boolean writeLast(Path target) throws IOException {
      if (last == null) {
        return false;
      }
      writeSheet(last.videos(), target, scale);
      return true;
    }
  }
}
