package dev.vimi.backend.pytorch.internal;

import dev.vimi.backend.support.DeviceChoice;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.List;

/**
 * The {@code pytorch} provider's configuration, parsed and checked before any native library starts.
 *
 * @param placement the device and the fallback rule (the keys every graph backend reads)
 * @param threads libtorch intra-op threads the deployment expects, 0 for "whatever libtorch has"
 * @param interOpThreads libtorch inter-op threads the deployment expects, 0 for "whatever libtorch has"
 * @param maxBatch the largest batch one call runs when the graph's batch axis is dynamic
 * @param graphOptimizer whether TorchScript's profiling graph executor optimises (per calling thread)
 * @param verifyOnLoad whether one probe evaluation at load checks the graph's inputs and output shape
 * @param mkldnn libtorch's oneDNN CPU kernels: checked and switched off if wrong, left on, or off ({@link OneDnnCheck})
 */
record PyTorchOptions(
    DeviceChoice placement, int threads, int interOpThreads, int maxBatch, boolean graphOptimizer, boolean verifyOnLoad,
    OneDnnCheck.Mode mkldnn) {

  /** Configuration keys this provider reads; any other is refused with the closest known one. */
  static final List<String> KEYS =
      List.of("device", "fallback", "threads", "inter_op_threads", "max_batch", "graph_optimizer", "verify_on_load", "mkldnn");

  boolean gpu() {
    return placement.gpu();
  }

  int cudaIndex() {
    return placement.cudaIndex();
  }

  /** The device asked for, {@code cpu} or {@code cuda:N}. */
  String device() {
    return placement.device().equals("cuda") ? "cuda:0" : placement.device();
  }

  PyTorchOptions onCpu() {
    return new PyTorchOptions(placement.onCpu(), threads, interOpThreads, maxBatch, graphOptimizer, verifyOnLoad, mkldnn);
  }

  static PyTorchOptions parse(ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    return new PyTorchOptions(
        DeviceChoice.parse(config, ""),
        config.getInt("threads", 0, 0, 1024),
        config.getInt("inter_op_threads", 0, 0, 1024),
        config.getInt("max_batch", 16, 1, 4096),
        config.getBoolean("graph_optimizer", false),
        config.getBoolean("verify_on_load", true),
        mkldnn(config));
  }

  private static OneDnnCheck.Mode mkldnn(ProviderConfig config) {
    String v = config.getString("mkldnn", "auto");
    try {
      return OneDnnCheck.Mode.parse(v.trim().toLowerCase(java.util.Locale.ROOT), "mkldnn");
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(config.owner() + ": configuration key " + e.getMessage());
    }
  }
}
