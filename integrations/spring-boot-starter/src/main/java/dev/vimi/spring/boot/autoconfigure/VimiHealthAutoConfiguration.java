package dev.vimi.spring.boot.autoconfigure;

import dev.vimi.api.VimiPipeline;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code vimi} health indicator, when Spring Boot's health support is present (actuator); turn it
 * off with {@code management.health.vimi.enabled=false}.
 */
@AutoConfiguration(after = VimiAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, VimiPipeline.class})
@ConditionalOnBean(VimiPipeline.class)
@ConditionalOnEnabledHealthIndicator("vimi")
public class VimiHealthAutoConfiguration {

  @Bean(name = "vimiHealthIndicator")
  @ConditionalOnMissingBean(name = "vimiHealthIndicator")
  public VimiHealthIndicator vimiHealthIndicator(VimiPipeline pipeline) {
    return new VimiHealthIndicator(pipeline);
  }
}
