package dev.vimi.spring.boot.autoconfigure;

import dev.vimi.micrometer.MicrometerGenerationObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.Conditional;

/**
 * Observes the pipeline with Micrometer when {@code vimi-micrometer} and a {@link MeterRegistry} or an
 * {@link ObservationRegistry} bean are present (actuator provides both): the meters of {@code
 * dev.vimi.micrometer.VimiMetrics} and the {@code vimi.generation} observation. Prompts are logged
 * only with {@code vimi.observations.log-prompt=true}.
 */
@AutoConfiguration(
    before = VimiAutoConfiguration.class,
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
@ConditionalOnClass({MicrometerGenerationObserver.class, MeterRegistry.class, ObservationRegistry.class})
@ConditionalOnProperty(prefix = VimiProperties.PREFIX, name = "enabled", havingValue = "true", matchIfMissing = true)
@Conditional(VimiMicrometerAutoConfiguration.OnAnyRegistry.class)
@EnableConfigurationProperties(VimiProperties.class)
public class VimiMicrometerAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public MicrometerGenerationObserver vimiMicrometerObserver(
      ObjectProvider<MeterRegistry> meters, ObjectProvider<ObservationRegistry> observations, VimiProperties properties) {
    MicrometerGenerationObserver.Builder b = MicrometerGenerationObserver.builder();
    meters.ifAvailable(b::meterRegistry);
    observations.ifAvailable(b::observationRegistry);
    return b.logPrompts(properties.getObservations().isLogPrompt()).build();
  }

  /** A meter registry or an observation registry bean. */
  static final class OnAnyRegistry extends AnyNestedCondition {
    OnAnyRegistry() {
      super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(MeterRegistry.class)
    static final class Meters {}

    @ConditionalOnBean(ObservationRegistry.class)
    static final class Observations {}
  }
}
