package com.example.vimi.uniform;

import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import java.util.Optional;

/** The sample plugin passes the same contract suite as every denoiser backend. */
class UniformOracleCompatTest extends DenoiserContractSuite {
  @Override
  protected Denoiser createDenoiser() {
    return new UniformOracleProvider()
        .create(new DenoiserSpec("base", OutputKind.EDM, 0.5, 3, 4, 8, 8, 6, 16, Optional.empty()), ProviderConfig.empty("test"));
  }
}
