package dev.vimi.spring.boot.autoconfigure;

import dev.vimi.api.VimiPipeline;

/**
 * Adjusts the auto-configured pipeline's builder after the {@code vimi.*} properties were applied and
 * before it builds: add providers made in code ({@code builder.plugins(Plugins.discover().with(...))}),
 * an observer, or a model described in code. Beans of this type are applied in their {@code @Order}.
 */
@FunctionalInterface
public interface VimiPipelineCustomizer {
  void customize(VimiPipeline.Builder builder);
}
