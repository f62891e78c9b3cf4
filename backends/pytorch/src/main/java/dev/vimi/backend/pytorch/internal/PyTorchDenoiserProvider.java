package dev.vimi.backend.pytorch.internal;

import dev.vimi.backend.support.DjlOffline;
import dev.vimi.backend.support.GraphDenoiser;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.ProviderConfig;

/**
 * The {@code pytorch} denoiser backend: runs a stage's TorchScript file ({@code graphs.pytorch} in
 * the model bundle) on DJL's PyTorch engine. Inputs are passed by position, in the order the manifest
 * lists them; input names are documentation only.
 *
 * <p>Configuration keys (everything under {@code denoiser.} in a pipeline configuration):
 *
 * <ul>
 *   <li>{@code device}: {@code cpu} (default), {@code cuda} or {@code cuda:N}. CUDA needs a CUDA build
 *       of libtorch (see this module's README: a {@code pytorch-native-cu128} jar or {@code
 *       PYTORCH_LIBRARY_PATH}).
 *   <li>{@code fallback}: {@code none} (default): asking for a GPU that cannot be used is an error;
 *       {@code cpu}: run on the CPU instead and log a warning.
 *   <li>{@code threads}, {@code inter_op_threads}: libtorch's thread pools are process-wide and are
 *       set when the engine starts, from {@code -Dai.djl.pytorch.num_threads} and {@code
 *       -Dai.djl.pytorch.num_interop_threads}. A denoiser does not change them; if these keys are given
 *       and differ from what libtorch runs with, creation fails and says which property to set.
 *   <li>{@code max_batch}: the largest batch one call runs when the graph's batch axis is dynamic
 *       (default 16); larger batches are split.
 *   <li>{@code graph_optimizer}: TorchScript's profiling optimiser (default false: the graph runs as
 *       exported, without re-specialising for each new batch size).
 *   <li>{@code verify_on_load}: run one probe evaluation of batch 1 when the denoiser is created, so
 *       that a graph that disagrees with the manifest about its inputs or output shape fails at load
 *       rather than at the first step (default true).
 * </ul>
 *
 * Unknown keys are refused with the closest known one. Creating
 * a denoiser puts DJL into offline mode ({@code ai.djl.offline=true}) if the deployment did not set
 * it, so libtorch is never downloaded: it comes from the native jar on the class path or from {@code
 * PYTORCH_LIBRARY_PATH}.
 *
 * <p>Immutable and thread-safe; constructing it starts nothing.
 */
public final class PyTorchDenoiserProvider implements DenoiserProvider {

  /** The provider's name. */
  public static final String NAME = "pytorch";

  public PyTorchDenoiserProvider() {
    // starts nothing: libtorch loads on the first create()
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "TorchScript on DJL's PyTorch engine (CPU; CUDA with a CUDA libtorch)";
  }

  @Override
  public Denoiser create(DenoiserSpec spec, ProviderConfig config) {
    PyTorchOptions options = PyTorchOptions.parse(config);
    String owner = config.owner();
    GraphSpec graph = GraphDenoiser.requireGraph(spec, owner, "pytorch", "TorchScript graph");
    DjlOffline.ensure(owner);
    return PyTorchDenoiser.open(spec, graph, options, owner);
  }
}
