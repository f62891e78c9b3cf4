package dev.vimi.spring.boot.autoconfigure;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The starter's own {@code vimi.*} keys. Every other key under {@code vimi.} is a pipeline key of
 * {@code vimi.properties} ({@code vimi.model}, {@code vimi.denoiser}, {@code vimi.denoiser.device},
 * {@code vimi.retriever.index.dir}, {@code vimi.task}, {@code vimi.retrieval.k}, ...) and goes to the
 * pipeline builder unchanged; see {@link VimiAutoConfiguration}.
 *
 * <p>Bound once at start-up by Spring; not thread-safe while binding, read-only afterwards.
 */
@ConfigurationProperties(prefix = VimiProperties.PREFIX)
public class VimiProperties {
  /** The prefix of every vimi key. */
  public static final String PREFIX = "vimi";

  /** Whether to auto-configure a VimiPipeline bean. */
  private boolean enabled = true;

  /**
   * A vimi.properties or vimi.json file applied before the vimi.* properties (which override its
   * keys); relative paths in it resolve against its folder.
   */
  private Path configFile;

  private final Observations observations = new Observations();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Path getConfigFile() {
    return configFile;
  }

  public void setConfigFile(Path configFile) {
    this.configFile = configFile;
  }

  public Observations getObservations() {
    return observations;
  }

  /** Observation settings (used when Micrometer and vimi-micrometer are present). */
  public static class Observations {
    /**
     * Whether to log each generation's prompt, with task, model and seed, at INFO on the logger
     * dev.vimi.micrometer.prompts. Off by default: prompts may be private. Prompts never become metric
     * tags.
     */
    private boolean logPrompt;

    public boolean isLogPrompt() {
      return logPrompt;
    }

    public void setLogPrompt(boolean logPrompt) {
      this.logPrompt = logPrompt;
    }
  }
}
