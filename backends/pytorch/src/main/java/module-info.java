/**
 * The {@code pytorch} denoiser backend: runs a model bundle's TorchScript graph on DJL's PyTorch
 * engine, on the CPU or a CUDA device.
 *
 * <p>The libtorch binaries ({@code ai.djl.pytorch:pytorch-native-cpu} or a {@code
 * pytorch-native-cu*} jar, with {@code ai.djl.pytorch:pytorch-jni}) must stay on the <em>class
 * path</em> even when this module is on the module path: the native jar declares the automatic
 * module name {@code ai.djl.pytorch_native_cpu_linux-x86_64}, which is not a legal module name, so it
 * cannot be a module. DJL finds those jars as resources, which works from the class path.
 */
module dev.vimi.backend.pytorch {
  requires dev.vimi.spi;
  requires dev.vimi.backend.support;
  requires ai.djl.api;
  requires ai.djl.pytorch_engine;
  // libtorch's oneDNN switch (at::Context::setUserEnabledMkldnn), which DJL does not expose: OneDnnCheck
  requires com.sun.jna;
  requires org.slf4j;

  // no API package: hosts and the engine reach the backend through the registry by the name "pytorch" and
  // configure it with keys; everything here (dev.vimi.backend.pytorch.internal) stays private to this module

  provides dev.vimi.spi.DenoiserProvider with
      dev.vimi.backend.pytorch.internal.PyTorchDenoiserProvider;
}
