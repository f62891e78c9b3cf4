/**
 * The {@code onnx} denoiser backend: runs a model bundle's exported ONNX graph on DJL's OnnxRuntime
 * engine, on the CPU or, when the {@code onnxruntime_gpu} build of ONNX Runtime is on the path,
 * through its CUDA or TensorRT execution providers.
 */
module dev.vimi.backend.onnx {
  requires dev.vimi.spi;
  requires dev.vimi.backend.support;
  requires ai.djl.api;
  requires ai.djl.onnxruntime_engine;
  requires com.microsoft.onnxruntime;
  requires org.slf4j;

  // no API package: hosts and the engine reach the backend through the registry by the name "onnx" and
  // configure it with keys; everything here (dev.vimi.backend.onnx.internal) stays private to this module

  provides dev.vimi.spi.DenoiserProvider with
      dev.vimi.backend.onnx.internal.OnnxDenoiserProvider;
}
