package dev.vimi.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Common shape of every vimi provider: a factory found through {@link java.util.ServiceLoader},
 * known by a stable name.
 *
 * <p>Names are lower-case ASCII letters and digits, optionally separated by single dashes
 * ({@code "lucene"}, {@code "onnx"}, {@code "gaussian-oracle"}). Providers must have a public
 * no-argument constructor (or a public static {@code provider()} method on the module path), must
 * be cheap to construct and must not start native libraries or open connections until their
 * factory method is called. Providers are immutable and thread-safe.
 */
public interface NamedProvider {

  /** The stable name a deployment uses to ask for this provider. */
  String name();

  /**
   * Rank among providers that answer to the same name; the highest wins. Two providers with the
   * same name and the same priority are a deployment error that names both jars.
   */
  default int priority() {
    return 0;
  }

  /** One line for listings such as {@code vimi plugins}. */
  default String description() {
    return getClass().getName();
  }

  /**
   * Capability hook, and the SPI's only test-facing method: the arguments under which this provider
   * works without outside help (files it ships, a fresh memory in {@code workDir}), so that the
   * compatibility runner ({@code dev.vimi.compat.CompatRunner}) can check a deployed jar. A retriever
   * returns a configuration of a new, empty memory under {@code workDir}; a denoiser returns a stage
   * with it ({@link SelfTestSetup#ofStage}). The default, empty, means the provider needs a model
   * bundle or outside infrastructure (a cluster); the runner then lists it as skipped and its own
   * tests run its suites. Cheap: nothing is opened until the runner calls the factory method.
   *
   * @param workDir a fresh folder the provider may use; the runner deletes it afterwards
   */
  default Optional<SelfTestSetup> selfTest(Path workDir) {
    return Optional.empty();
  }
}
