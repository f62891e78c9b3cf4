package dev.vimi.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * What a provider's {@link NamedProvider#selfTest(java.nio.file.Path)} capability hook returns: the
 * arguments under which the compatibility runner can create the provider's product without outside
 * help. Immutable.
 *
 * @param config the operator keys to create it with
 * @param context the context to create it with (usually {@link ProviderContext#none()})
 * @param stage for a denoiser provider, the stage to create; empty for every other kind
 */
public record SelfTestSetup(ProviderConfig config, ProviderContext context, Optional<DenoiserSpec> stage) {
  public SelfTestSetup {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(stage, "stage");
  }

  /** A setup of {@code config} alone (no bundle, no stage): retrievers, encoders, tasks, writers. */
  public static SelfTestSetup of(ProviderConfig config) {
    return new SelfTestSetup(config, ProviderContext.none(), Optional.empty());
  }

  /** A denoiser's setup: the {@code stage} to create with {@code config}. */
  public static SelfTestSetup ofStage(DenoiserSpec stage, ProviderConfig config) {
    return new SelfTestSetup(config, ProviderContext.none(), Optional.of(stage));
  }
}
