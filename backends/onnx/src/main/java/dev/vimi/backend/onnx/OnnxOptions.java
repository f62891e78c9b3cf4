package dev.vimi.backend.onnx;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code onnx} provider's configuration, parsed and checked before any native library starts.
 *
 * @param device {@code cpu} or a CUDA device
 * @param cudaIndex the CUDA device index, or -1 for the CPU
 * @param accelerator which ONNX Runtime execution provider drives the GPU
 * @param fallbackToCpu whether a missing GPU may be replaced by the CPU (logged at WARN)
 * @param threads intra-op threads of the session, 0 for ONNX Runtime's default (one per core)
 * @param interOpThreads inter-op threads of the session, 0 for ONNX Runtime's default
 * @param maxBatch the largest batch one call runs when the graph's batch axis is dynamic
 * @param optimization ONNX Runtime graph optimisation level
 */
record OnnxOptions(
    String device,
    int cudaIndex,
    Accelerator accelerator,
    boolean fallbackToCpu,
    int threads,
    int interOpThreads,
    int maxBatch,
    Optimization optimization) {

  /** Configuration keys this provider reads; keys under {@code model.} are the pipeline's and ignored. */
  static final List<String> KEYS =
      List.of("device", "execution_provider", "fallback", "threads", "inter_op_threads", "max_batch", "optimization");

  private static final Pattern DEVICE = Pattern.compile("cpu|cuda(?::(\\d{1,3}))?");

  /** The GPU execution provider. */
  enum Accelerator {
    CUDA,
    TENSORRT
  }

  /** ONNX Runtime graph optimisation levels. */
  enum Optimization {
    NONE,
    BASIC,
    EXTENDED,
    ALL
  }

  boolean gpu() {
    return cudaIndex >= 0;
  }

  /** A copy that runs on the CPU (after an allowed fallback). */
  OnnxOptions onCpu() {
    return new OnnxOptions("cpu", -1, accelerator, fallbackToCpu, threads, interOpThreads, maxBatch, optimization);
  }

  static OnnxOptions parse(ProviderConfig config) {
    String owner = config.owner();
    config.requireKnownKeys(KEYS, key -> key.startsWith("model."));
    String device = config.getString("device", "cpu").trim().toLowerCase(Locale.ROOT);
    Matcher m = DEVICE.matcher(device);
    if (!m.matches()) {
      throw new ConfigurationException(
          owner + ": configuration key 'device' is '" + config.getString("device", "") + "' but must be cpu, cuda or "
              + "cuda:N with N a GPU index (0, 1, ...); TensorRT is device=cuda:N with execution_provider=tensorrt");
    }
    int index = device.equals("cpu") ? -1 : m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
    String ep = config.getString("execution_provider", "cuda").trim().toLowerCase(Locale.ROOT);
    Accelerator acc =
        switch (ep) {
          case "cuda" -> Accelerator.CUDA;
          case "tensorrt", "trt" -> Accelerator.TENSORRT;
          default ->
              throw new ConfigurationException(
                  owner + ": configuration key 'execution_provider' is '" + ep + "' but must be cuda or tensorrt");
        };
    if (index < 0 && config.contains("execution_provider")) {
      throw new ConfigurationException(
          owner + ": configuration key 'execution_provider' is set to " + ep + " but device is cpu; set device=cuda:N "
              + "to use the " + ep + " execution provider, or remove execution_provider");
    }
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
    int threads = config.getInt("threads", 0, 0, 1024);
    int interOp = config.getInt("inter_op_threads", 0, 0, 1024);
    int maxBatch = config.getInt("max_batch", 16, 1, 4096);
    String opt = config.getString("optimization", "all").trim().toUpperCase(Locale.ROOT);
    Optimization optimization;
    try {
      optimization = Optimization.valueOf(opt);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          owner + ": configuration key 'optimization' is '" + opt.toLowerCase(Locale.ROOT)
              + "' but must be none, basic, extended or all");
    }
    return new OnnxOptions(device, index, acc, fallback, threads, interOp, maxBatch, optimization);
  }
}
