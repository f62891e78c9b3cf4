package dev.vimi.encoder.mllm.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The native resources opened while an encoder is being built, so that a failure part-way closes
 * what was opened so far, last first. Used by one thread, during one construction; not thread-safe.
 */
public final class Opened {
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Remembers {@code resource} and returns it. */
  public <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /**
   * Closes every tracked resource, the last opened first, and returns {@code failure} with any
   * exception thrown by a close added as suppressed.
   */
  public RuntimeException closeAll(RuntimeException failure) {
    for (AutoCloseable c : resources.reversed()) {
      try {
        c.close();
      } catch (Exception suppressed) {
        failure.addSuppressed(suppressed);
      }
    }
    resources.clear();
    return failure;
  }
}
