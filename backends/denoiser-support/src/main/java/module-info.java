/**
 * Shared internals of vimi's graph-running denoiser backends (ONNX Runtime, PyTorch): the graph-denoiser
 * base ({@code GraphDenoiser}: locking, lifecycle, input checks, batch splitting, the output buffer, graph
 * lookup and the GPU fallback rule), the device keys every backend reads, input binding by role and
 * encoding, checks of a graph's declared signature and of its output, and the DJL offline switch.
 * Exported only to the backends and to the mllm encoder, which shares the one DJL offline rule.
 */
module dev.vimi.backend.support {
  requires transitive dev.vimi.spi;

  exports dev.vimi.backend.support to
      dev.vimi.encoder.mllm,
      dev.vimi.backend.onnx,
      dev.vimi.backend.pytorch;
}
