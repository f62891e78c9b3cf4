package dev.vimi.backend.support;

import dev.vimi.backend.support.DenoiserIo.Element;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.GraphInput;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.InputRole;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Checks of a graph's declared signature against the model manifest, for engines whose graphs declare
 * their inputs' names, element types and shapes (ONNX Runtime does; a TorchScript module does not, so
 * the pytorch backend probes instead). Run when a denoiser opens, so that a graph and a manifest that
 * disagree fail before the first step, with a message that says which input and what to fix.
 * Stateless.
 */
public final class GraphSignature {
  private GraphSignature() {}

  /**
   * Every input the manifest lists exists in the graph, and the graph has no other input.
   *
   * @param graphInputs the names of the graph's inputs, in the graph's order
   */
  public static void checkInputNames(GraphSpec graph, Collection<String> graphInputs, String who) {
    Set<String> declared = new LinkedHashSet<>();
    for (GraphInput gi : graph.inputs()) {
      declared.add(gi.name());
      if (!graphInputs.contains(gi.name())) {
        throw new ConfigurationException(
            who + ": the manifest lists input '" + gi.name() + "' (role " + role(gi.role()) + ") but the graph has no "
                + "such input; its inputs are " + graphInputs + ". Fix the input names in vimi-model.json");
      }
    }
    for (String name : graphInputs) {
      if (!declared.contains(name)) {
        throw new ConfigurationException(
            who + ": the graph takes input '" + name + "' which the manifest does not list; add it to the graph's "
                + "inputs in vimi-model.json with its role");
      }
    }
  }

  /**
   * How the values of {@code gi} are encoded for a graph input of the declared type: float32 or
   * float16 as the manifest's precision says; {@code fps}, {@code resolution} and the conditioning
   * mask may also be int64 or int32, and the mask bool.
   *
   * @param declared the graph's element type, or null if it is none of {@link Element}'s
   * @param typeName the engine's name for the declared type, for messages
   * @throws ConfigurationException if vimi cannot feed that type to that input
   */
  public static Element element(GraphInput gi, Element declared, String typeName, String precision, String who) {
    boolean fp16 = precision.equals("fp16");
    if (declared == Element.F32 && !fp16) {
      return Element.F32;
    }
    if (declared == Element.F16 && fp16) {
      return Element.F16;
    }
    InputRole r = gi.role();
    boolean integral = r == InputRole.RESOLUTION || r == InputRole.FPS || r == InputRole.CONDITIONING_MASK;
    if (integral && (declared == Element.I64 || declared == Element.I32)) {
      return declared;
    }
    if (r == InputRole.CONDITIONING_MASK && declared == Element.BOOL) {
      return Element.BOOL;
    }
    if (declared == Element.F32 || declared == Element.F16) {
      throw new ConfigurationException(
          who + ": input '" + gi.name() + "' is " + typeName + " in the graph but the manifest says precision " + precision
              + "; set precision to " + (declared == Element.F16 ? "fp16" : "fp32") + " in vimi-model.json");
    }
    throw new ConfigurationException(
        who + ": input '" + gi.name() + "' (role " + role(r) + ") has element type " + typeName + ", which vimi cannot "
            + "feed; it takes " + (fp16 ? "float16" : "float32")
            + (integral ? ", int64 or int32" : "") + (r == InputRole.CONDITIONING_MASK ? " or bool" : ""));
  }

  /**
   * A declared shape against the one vimi feeds ({@link DenoiserIo#expectedShape}): the same rank, the
   * same fixed dimensions after the batch axis (a dimension the graph leaves dynamic, 0 or negative,
   * passes), a batch of 1 or dynamic, and dynamic if the manifest says {@code dynamic_batch}.
   *
   * @param what names the input or output, e.g. {@code input 'x' (role noisy_video)}
   */
  public static void checkShape(String what, long[] shape, long[] expected, boolean dynamicBatch, String who) {
    if (shape.length != expected.length) {
      throw new ConfigurationException(
          who + ": " + what + " has rank " + shape.length + " " + Arrays.toString(shape) + " but vimi feeds rank "
              + expected.length + " " + describe(expected) + "; check the role and the export");
    }
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] > 0 && shape[d] != expected[d]) {
        throw new ConfigurationException(
            who + ": " + what + " has dimension " + d + " = " + shape[d] + " in the graph but the stage declares "
                + expected[d] + " (the graph takes " + Arrays.toString(shape) + ", the manifest says "
                + describe(expected) + "); fix the stage's shape in vimi-model.json or re-export the graph");
      }
    }
    long batch = shape[0];
    if (batch > 1) {
      throw new ConfigurationException(
          who + ": " + what + " has a fixed batch of " + batch + "; export the graph with a dynamic batch axis or a "
              + "batch of 1");
    }
    if (dynamicBatch && batch == 1) {
      throw new ConfigurationException(
          who + ": the manifest says dynamic_batch true but " + what + " has a fixed batch of 1; export the graph with "
              + "a dynamic batch axis (dynamic_axes) or set dynamic_batch to false in vimi-model.json");
    }
  }

  /** Whether every dimension after the batch axis is fixed (positive). */
  public static boolean staticAfterBatch(long[] shape) {
    for (int d = 1; d < shape.length; d++) {
      if (shape[d] <= 0) {
        return false;
      }
    }
    return true;
  }

  /** A role as the manifest spells it: {@code noisy_video}. */
  public static String role(InputRole r) {
    return r.name().toLowerCase(Locale.ROOT);
  }

  private static String describe(long[] expected) {
    StringBuilder sb = new StringBuilder("[B");
    for (int i = 1; i < expected.length; i++) {
      sb.append(", ").append(expected[i]);
    }
    return sb.append(']').toString();
  }
}
