package dev.vimi.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An exported network file for one backend, as a model bundle declares it. Immutable.
 *
 * @param file the graph file (ONNX, TorchScript, ...), already checked against its sha256
 * @param inputs the graph's inputs in positional order
 * @param output the name of the output that holds the network's result
 * @param dynamicBatch true if the batch axis is dynamic, so that guided and unguided evaluations
 *     can share one call
 * @param precision {@code "fp32"} or {@code "fp16"}: the dtype of the graph's float inputs
 */
public record GraphSpec(Path file, List<GraphInput> inputs, String output, boolean dynamicBatch, String precision) {
  public GraphSpec {
    Objects.requireNonNull(file, "file");
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(output, "output");
    precision = precision == null ? "fp32" : precision;
    if (!precision.equals("fp32") && !precision.equals("fp16")) {
      throw new InvalidInputException("precision", "graph precision must be fp32 or fp16 but is '" + precision + "'");
    }
    if (inputs.stream().noneMatch(i -> i.role() == InputRole.NOISY_VIDEO)) {
      throw new InvalidInputException("inputs", "graph " + file.getFileName() + " declares no noisy_video input");
    }
    boolean frames = inputs.stream().anyMatch(i -> i.role() == InputRole.KNOWN_FRAMES);
    boolean mask = inputs.stream().anyMatch(i -> i.role() == InputRole.KNOWN_MASK);
    if (frames != mask) {
      throw new InvalidInputException(
          "inputs",
          "graph " + file.getFileName() + " declares " + (frames ? "known_frames but no known_mask" : "known_mask but no known_frames")
              + "; a graph that takes conditioning frames declares both");
    }
  }

  /** Whether the graph takes conditioning frames: it declares both known_frames and known_mask. */
  public boolean takesKnownFrames() {
    return inputs.stream().anyMatch(i -> i.role() == InputRole.KNOWN_FRAMES);
  }
}
