package dev.vimi.backend.onnx.internal;

import dev.vimi.backend.support.DeviceChoice;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ProviderConfig;
import java.util.List;
import java.util.Locale;

/**
 * The {@code onnx} provider's configuration, parsed and checked before any native library starts.
 *
 * @param placement the device and the fallback rule (the keys every graph backend reads)
 * @param accelerator which ONNX Runtime execution provider drives the GPU
 * @param threads intra-op threads of the session; 0 for one per processor the JVM may use ({@link
 *     #intraOpThreads()})
 * @param interOpThreads inter-op threads of the session, 0 for ONNX Runtime's default
 * @param spinning whether the session's pool threads spin while they wait for work (default, as ONNX Runtime's own
 *     default: the lowest latency for one request) or sleep (less CPU burnt, slower calls; bench/vimi-tiny)
 * @param maxBatch the largest batch one call runs when the graph's batch axis is dynamic
 * @param optimization ONNX Runtime graph optimisation level
 */
record OnnxOptions(
    DeviceChoice placement,
    Accelerator accelerator,
    int threads,
    int interOpThreads,
    int maxBatch,
    Optimization optimization,
    boolean spinning) {

  /**
   * The intra-op threads the session is given: {@code threads} when set, else {@link
   * Runtime#availableProcessors()} (which honours container CPU limits). Not ONNX Runtime's own default: on
   * VMs whose processor topology it cannot read (a 2-vCPU AMD EPYC VM here) it starts no pool thread at all and
   * runs every operator on the calling thread, leaving the other cores idle (bench/vimi-tiny/README.md).
   */
  int intraOpThreads() {
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Configuration keys this provider reads; any other is refused with the closest known one. */
  static final List<String> KEYS =
      List.of("device", "execution_provider", "fallback", "threads", "inter_op_threads", "max_batch", "optimization", "spinning");

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
    return placement.gpu();
  }

  int cudaIndex() {
    return placement.cudaIndex();
  }

  /** A copy that runs on the CPU (after an allowed fallback). */
  OnnxOptions onCpu() {
    return new OnnxOptions(placement.onCpu(), accelerator, threads, interOpThreads, maxBatch, optimization, spinning);
  }

  static OnnxOptions parse(ProviderConfig config) {
    String owner = config.owner();
    config.requireKnownKeys(KEYS);
    DeviceChoice placement =
        DeviceChoice.parse(config, "; TensorRT is device=cuda:N with execution_provider=tensorrt");
    String ep = config.getString("execution_provider", "cuda").trim().toLowerCase(Locale.ROOT);
    Accelerator acc =
        switch (ep) {
          case "cuda" -> Accelerator.CUDA;
          case "tensorrt", "trt" -> Accelerator.TENSORRT;
          default ->
              throw new ConfigurationException(
                  owner + ": configuration key 'execution_provider' is '" + ep + "' but must be cuda or tensorrt");
        };
    if (!placement.gpu() && config.contains("execution_provider")) {
      throw new ConfigurationException(
          owner + ": configuration key 'execution_provider' is set to " + ep + " but device is cpu; set device=cuda:N "
              + "to use the " + ep + " execution provider, or remove execution_provider");
    }
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
    return new OnnxOptions(placement, acc, threads, interOp, maxBatch, optimization, config.getBoolean("spinning", true));
  }
}
