package dev.vimi.backend.onnx.internal;

import dev.vimi.backend.support.DjlOffline;
import dev.vimi.backend.support.GraphDenoiser;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.ProviderConfig;

/**
 * The {@code onnx} denoiser backend: runs a stage's exported ONNX graph ({@code graphs.onnx} in the
 * model bundle) on DJL's OnnxRuntime engine. Inputs are bound by name as the manifest lists them.
 *
 * <p>Configuration keys (everything under {@code denoiser.} in a pipeline configuration):
 *
 * <ul>
 *   <li>{@code device}: {@code cpu} (default), {@code cuda} or {@code cuda:N}. CUDA needs the GPU build
 *       of ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime_gpu}) on the class path in place
 *       of the CPU build.
 *   <li>{@code execution_provider}: {@code cuda} (default on a GPU) or {@code tensorrt}; TensorRT runs
 *       what it supports and leaves the rest of the graph to CUDA.
 *   <li>{@code fallback}: {@code none} (default): asking for a GPU that cannot be used is an error;
 *       {@code cpu}: run on the CPU instead and log a warning.
 *   <li>{@code threads}: intra-op threads of the session (default 0: one per processor the JVM may use,
 *       {@code Runtime.availableProcessors()}, container limits included; not ONNX Runtime's own default, which
 *       counted a single core on 2-vCPU VMs);
 *       {@code inter_op_threads}: inter-op threads (default 0: ONNX Runtime's default).
 *   <li>{@code spinning}: {@code true} (default, ONNX Runtime's own default) lets the pool threads spin
 *       while they wait for work, the lowest latency for one request; {@code false} lets them sleep. For
 *       several requests in flight, {@code threads=1} gives the most videos per minute (bench/vimi-tiny).
 *   <li>{@code max_batch}: the largest batch one call runs when the graph's batch axis is dynamic
 *       (default 16); larger batches are split.
 *   <li>{@code optimization}: ONNX Runtime graph optimisation, {@code none}, {@code basic},
 *       {@code extended} or {@code all} (default).
 * </ul>
 *
 * Unknown keys are refused with the closest known one. The
 * configuration and the graph's inputs are checked when the denoiser is created; see {@link
 * OnnxDenoiser} for thread-safety. Creating a denoiser puts DJL into offline mode ({@code
 * ai.djl.offline=true}) if the deployment did not set it.
 *
 * <p>Immutable and thread-safe; constructing it starts nothing.
 */
public final class OnnxDenoiserProvider implements DenoiserProvider {

  /** The provider's name. */
  public static final String NAME = "onnx";

  public OnnxDenoiserProvider() {
    // starts nothing: ONNX Runtime loads on the first create()
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "ONNX Runtime on DJL (CPU; CUDA and TensorRT with onnxruntime_gpu)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    OnnxOptions options = OnnxOptions.parse(config);
    String owner = config.owner();
    GraphSpec graph = GraphDenoiser.requireGraph(spec, owner, "onnx", "ONNX graph");
    DjlOffline.ensure(owner);
    return OnnxDenoiser.open(spec, graph, options, owner);
  }
}
