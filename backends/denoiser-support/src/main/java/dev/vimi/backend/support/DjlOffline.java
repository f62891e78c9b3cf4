package dev.vimi.backend.support;

import dev.vimi.spi.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts DJL in offline mode before its {@code Engine} class initialises. Offline, DJL neither
 * downloads native libraries or models nor calls its telemetry endpoint; vimi never downloads at run
 * time, so a deployment that explicitly turned offline mode off is refused.
 *
 * <p>DJL reads the switch from the {@code DJL_OFFLINE} environment variable or the {@code
 * ai.djl.offline} system property, process-wide. Setting the property once, when it is absent, is the
 * only process-wide change this backend makes.
 */
public final class DjlOffline {
  private static final Logger LOG = LoggerFactory.getLogger(DjlOffline.class);
  public static final String PROPERTY = "ai.djl.offline";
  public static final String ENV = "DJL_OFFLINE";

  private DjlOffline() {}

  public static synchronized void ensure(String owner) {
    String env = System.getenv(ENV);
    String prop = System.getProperty(PROPERTY);
    String explicit = env != null ? env : prop;
    if (explicit != null) {
      if (!Boolean.parseBoolean(explicit.trim())) {
        throw new ConfigurationException(
            owner + ": DJL offline mode is switched off (" + (env != null ? ENV + "=" + env : "-D" + PROPERTY + "=" + prop)
                + "), which would let DJL download native libraries at run time; vimi never downloads. Remove the "
                + "setting (vimi then sets " + PROPERTY + "=true) and put the engine's native jars on the class path");
      }
      return;
    }
    System.setProperty(PROPERTY, "true");
    LOG.debug("Set {}=true so that DJL never downloads at run time", PROPERTY);
  }
}
