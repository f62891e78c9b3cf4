package dev.vimi.backend.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vimi.spi.ConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The one DJL offline rule shared by the backends and the mllm encoder. Touches a process-wide property, so isolated. */
@Isolated
class DjlOfflineTest {
  private String saved;

  @BeforeEach
  void save() {
    assumeTrue(System.getenv(DjlOffline.ENV) == null, "DJL_OFFLINE is set in this environment; the rule reads it first");
    saved = System.getProperty(DjlOffline.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(DjlOffline.PROPERTY);
    } else {
      System.setProperty(DjlOffline.PROPERTY, saved);
    }
  }

  @Test
  void setsOfflineWhenTheDeploymentSaidNothing() {
    System.clearProperty(DjlOffline.PROPERTY);
    DjlOffline.ensure("mllm encoder");
    assertThat(System.getProperty(DjlOffline.PROPERTY)).isEqualTo("true");
  }

  @Test
  void keepsAnExplicitTrue() {
    System.setProperty(DjlOffline.PROPERTY, " TRUE ");
    DjlOffline.ensure("mllm encoder");
    assertThat(System.getProperty(DjlOffline.PROPERTY)).isEqualTo(" TRUE ");
  }

  @Test
  void refusesAnExplicitFalseNamingTheOwnerAndTheFix() {
    System.setProperty(DjlOffline.PROPERTY, "false");
    assertThatThrownBy(() -> DjlOffline.ensure("mllm encoder"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("mllm encoder: DJL offline mode is switched off (-Dai.djl.offline=false)")
        .hasMessageContaining("Remove the setting");
    assertThat(System.getProperty(DjlOffline.PROPERTY)).isEqualTo("false");
  }
}
