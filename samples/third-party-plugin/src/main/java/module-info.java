/** A third-party vimi plugin: the exact denoiser of uniformly distributed data. */
module com.example.vimi.uniform {
  requires dev.vimi.spi;

  provides dev.vimi.spi.DenoiserProvider with com.example.vimi.uniform.UniformOracleProvider;
}
