package dev.vimi.encoder.mllm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL from reaching the network. Unless told otherwise, DJL downloads native libraries it
 * does not find on the class path (for example a CUDA build of the tokenizers library when a GPU is
 * present) and sends a telemetry request on cloud machines. vimi never downloads at run time, so
 * before the first DJL class loads this sets DJL's documented offline switch, the system property
 * {@code ai.djl.offline=true}, unless the deployment has set the property or the {@code
 * DJL_OFFLINE} environment variable itself (an explicit {@code false} is respected).
 */
final class DjlSetup {
  private static final Logger LOG = LoggerFactory.getLogger(DjlSetup.class);

  private DjlSetup() {}

  static void ensureOffline() {
    if (System.getProperty("ai.djl.offline") != null || System.getenv("DJL_OFFLINE") != null) {
      return;
    }
    synchronized (DjlSetup.class) {
      if (System.getProperty("ai.djl.offline") == null) {
        System.setProperty("ai.djl.offline", "true");
        LOG.info("set ai.djl.offline=true so that DJL loads native libraries from the class path and never downloads");
      }
    }
  }
}
