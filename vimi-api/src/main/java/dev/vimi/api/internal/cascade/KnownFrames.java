package dev.vimi.api.internal.cascade;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.Tensor;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The conditioning frames of one video, numbered in the final video's frames, at whatever size they
 * were given; {@link #forStage} gives a stage's {@code known_frames} and {@code known_mask}. Every
 * known frame is clamped to [-1, 1]. Immutable.
 */
public final class KnownFrames {
  /** A stage's inputs: frames {@code [C, T, H, W]} (zeros where unknown) and mask {@code [T]}. */
  public record StageInputs(Tensor frames, Tensor mask) {}

  private record Frame(double[] pixels, int height, int width) {}

  private final int channels;
  private final int videoFrames;
  private final Map<Integer, Frame> frames;

  private KnownFrames(int channels, int videoFrames, Map<Integer, Frame> frames) {
    this.channels = channels;
    this.videoFrames = videoFrames;
    this.frames = Collections.unmodifiableMap(frames);
  }

  /** No known frames. */
  public static KnownFrames none(int channels, int videoFrames) {
    return new KnownFrames(channels, videoFrames, new TreeMap<>());
  }

  /**
   * A copy with frame {@code index} known.
   *
   * @param pixels {@code [C, H, W]}
   */
  public KnownFrames with(int index, Tensor pixels) {
    if (index < 0 || index >= videoFrames) {
      throw new InvalidInputException(
          "conditioning_frames", "frame index " + index + " is outside the clip's " + videoFrames + " frames [0, " + videoFrames + ")");
    }
    if (pixels.rank() != 3 || pixels.dim(0) != channels) {
      throw new InvalidInputException(
          "conditioning_frames[" + index + "]", "pixels must have shape [" + channels + ", H, W] but have " + pixels);
    }
    double[] p = new double[pixels.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.max(-1, Math.min(1, pixels.get(i)));
    }
    Map<Integer, Frame> m = new TreeMap<>(frames);
    m.put(index, new Frame(p, pixels.dim(1), pixels.dim(2)));
    return new KnownFrames(channels, videoFrames, m);
  }

  public boolean isEmpty() {
    return frames.isEmpty();
  }

  /** The known frame indices, ascending. */
  public java.util.Set<Integer> indices() {
    return frames.keySet();
  }

  /**
   * The stage frame that video frame {@code index} of {@code videoFrames} maps to: the one nearest to
   * its centre, {@code round((index + 0.5) * stageFrames / videoFrames - 0.5)}, clamped.
   */
  public static int stageFrame(int index, int videoFrames, int stageFrames) {
    if (videoFrames == stageFrames) {
      return index;
    }
    double pos = (index + 0.5) * stageFrames / videoFrames - 0.5;
    return (int) Math.max(0, Math.min(stageFrames - 1, Math.round(pos)));
  }

  /**
   * The known frames resized to a stage. When several video frames map to one stage frame (a stage
   * with fewer frames), the one whose centre is nearest wins.
   */
  public StageInputs forStage(int t, int h, int w) {
    int plane = h * w;
    float[] out = new float[channels * t * plane];
    float[] mask = new float[t];
    double[] best = new double[t];
    java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
    for (Map.Entry<Integer, Frame> e : frames.entrySet()) {
      int index = e.getKey();
      int j = stageFrame(index, videoFrames, t);
      double distance = Math.abs((index + 0.5) * t / videoFrames - 0.5 - j);
      if (!(distance < best[j])) {
        continue;
      }
      best[j] = distance;
      Frame f = e.getValue();
      double[] r = FrameResize.resize(f.pixels(), channels, f.height(), f.width(), h, w);
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < plane; i++) {
          out[(c * t + j) * plane + i] = (float) r[c * plane + i];
        }
      }
      mask[j] = 1f;
    }
    return new StageInputs(Tensor.of(out, channels, t, h, w), Tensor.of(mask, t));
  }
}
