/**
 * Shared internals of vimi's graph-running denoiser backends (ONNX Runtime, PyTorch): input checks and
 * binding by role, fp16 conversion, output shape and finiteness checks, and the DJL offline switch.
 * Exported only to the backends and to the mllm encoder, which shares the one DJL offline rule.
 */
module dev.vimi.backend.support {
  requires transitive dev.vimi.spi;

  exports dev.vimi.backend.support to
      dev.vimi.encoder.mllm,
      dev.vimi.backend.onnx,
      dev.vimi.backend.pytorch;
}
