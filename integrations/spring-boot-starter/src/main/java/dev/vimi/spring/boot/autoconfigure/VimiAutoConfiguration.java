package dev.vimi.spring.boot.autoconfigure;

import dev.vimi.api.PipelineConfig;
import dev.vimi.api.VimiPipeline;
import dev.vimi.api.observation.GenerationObserver;
import dev.vimi.spi.ConfigurationException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configures one {@link VimiPipeline} bean from {@code vimi.*} properties, the keys of {@code
 * vimi.properties} under the prefix {@code vimi.}:
 *
 * <pre>
 * vimi.model=models/vimi-tiny/bundle        # a model bundle folder, sha256-checked on load
 * vimi.denoiser=onnx                        # vimi.denoiser.* goes to the backend (device, threads, ...)
 * vimi.denoiser.device=cpu
 * vimi.retriever=lucene                     # or vespa, or none
 * vimi.retriever.index.dir=memory/
 * vimi.task=t2v
 * vimi.retrieval.k=2
 * </pre>
 *
 * plus the starter's own {@link VimiProperties} ({@code vimi.enabled}, {@code vimi.config-file},
 * {@code vimi.observations.log-prompt}). Every {@link GenerationObserver} bean observes the pipeline,
 * and every {@link VimiPipelineCustomizer} bean adjusts its builder. The bean is closed when the
 * context closes. A host that defines its own {@code VimiPipeline} bean gets that one instead.
 */
@AutoConfiguration
@ConditionalOnClass(VimiPipeline.class)
@ConditionalOnProperty(prefix = VimiProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(VimiProperties.class)
public class VimiAutoConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(VimiAutoConfiguration.class);

  /**
   * The pipeline.
   *
   * @throws ConfigurationException when no model is configured, or a key is wrong; the message names
   *     the key and the fix
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public VimiPipeline vimiPipeline(
      VimiProperties properties,
      Environment environment,
      ObjectProvider<GenerationObserver> observers,
      ObjectProvider<VimiPipelineCustomizer> customizers) {
    Map<String, String> keys = PipelineKeys.read(environment);
    VimiPipeline.Builder builder = VimiPipeline.builder();
    if (properties.getConfigFile() != null) {
      builder.configure(properties.getConfigFile());
    } else if (!keys.containsKey("model")) {
      boolean customized = customizers.orderedStream().findAny().isPresent();
      if (!customized) {
        throw new ConfigurationException(
            "vimi: no model is configured; set vimi.model to a model bundle folder (one with a vimi-model.json), or "
                + "vimi.config-file to a vimi.properties file, or set vimi.enabled=false to turn the auto-configured "
                + "pipeline off");
      }
    }
    builder.configure(PipelineConfig.of(keys));
    observers.orderedStream().forEach(builder::observer);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    VimiPipeline pipeline = builder.build();
    LOG.info("vimi pipeline bean ready: {}", pipeline.info());
    return pipeline;
  }
}
