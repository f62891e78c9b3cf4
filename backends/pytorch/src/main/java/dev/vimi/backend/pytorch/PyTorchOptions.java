package dev.vimi.backend.pytorch;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pytorch} provider's configuration, parsed and checked before any native library starts.
 *
 * @param device {@code cpu}, or {@code cuda:N}
 * @param cudaIndex the CUDA device index, or -1 for the CPU
 * @param fallbackToCpu whether a missing GPU may be replaced by the CPU (logged at WARN)
 * @param threads libtorch intra-op threads the deployment expects, 0 for "whatever libtorch has"
 * @param interOpThreads libtorch inter-op threads the deployment expects, 0 for "whatever libtorch has"
 * @param maxBatch the largest batch one call runs when the graph's batch axis is dynamic
 * @param graphOptimizer whether TorchScript's profiling graph executor optimises (per calling thread)
 * @param verifyOnLoad whether one probe evaluation at load checks the graph's inputs and output shape
 */
record PyTorchOptions(
    String device,
    int cudaIndex,
    boolean fallbackToCpu,
    int threads,
    int interOpThreads,
    int maxBatch,
    boolean graphOptimizer,
    boolean verifyOnLoad) {

  /** Configuration keys this provider reads; keys under {@code model.} are the pipeline's and ignored. */
  static final List<String> KEYS =
      List.of("device", "fallback", "threads", "inter_op_threads", "max_batch", "graph_optimizer", "verify_on_load");

  private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(\\d{1,3}))?");

  boolean gpu() {
    return cudaIndex >= 0;
  }

  PyTorchOptions onCpu() {
    return new PyTorchOptions("cpu", -1, fallbackToCpu, threads, interOpThreads, maxBatch, graphOptimizer, verifyOnLoad);
  }

  static PyTorchOptions parse(ProviderConfig config) {
    String owner = config.owner();
    config.requireKnownKeys(KEYS, key -> key.startsWith("model."));
    String device = config.getString("device", "cpu").trim().toLowerCase(Locale.ROOT);
    Matcher m = DEVICE.matcher(device);
    if (!m.matches()) {
      throw new ConfigurationException(
          owner + ": configuration key 'device' is '" + config.getString("device", "") + "' but must be cpu, cuda or "
              + "cuda:N with N a GPU index (0, 1, ...)");
    }
    int index = device.equals("cpu") ? -1 : m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    String fb = config.getString("fallback", "none").trim().toLowerCase(Locale.ROOT);
    boolean fallback =
        switch (fb) {
          case "none" -> false;
          case "cpu" -> true;
          default ->
              throw new ConfigurationException(
                  owner + ": configuration key 'fallback' is '" + fb + "' but must be none (fail when the GPU is "
                      + "missing) or cpu (run on the CPU instead, with a warning)");
        };
    return new PyTorchOptions(
        device.equals("cuda") ? "cuda:0" : device,
        index,
        fallback,
        config.getInt("threads", 0, 0, 1024),
        config.getInt("inter_op_threads", 0, 0, 1024),
        config.getInt("max_batch", 16, 1, 4096),
        config.getBoolean("graph_optimizer", false),
        config.getBoolean("verify_on_load", true));
  }
}
