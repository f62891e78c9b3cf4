package dev.vimi.compat.reference;

import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import java.util.Optional;

/** The conditional reference provider passes the denoiser contract suite. */
class GaussianFramesOracleCompatTest extends DenoiserContractSuite {
  @Override
  protected Denoiser createDenoiser() {
    return new GaussianFramesOracleDenoiserProvider()
        .create(new DenoiserSpec("t", OutputKind.V, 0.5, 3, 4, 4, 6, 5, 7, Optional.empty()), ProviderConfig.empty("test"));
  }
}
