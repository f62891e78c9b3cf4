package dev.vimi.spi;

import java.util.Objects;

/**
 * One input of an exported graph: its name in the graph and its role.
 *
 * @param name the input name (ONNX binds by it; TorchScript uses the list position instead)
 * @param role what the sampler feeds into it
 */
public record GraphInput(String name, InputRole role) {
  public GraphInput {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
  }
}
