package dev.vimi.compat.reference;

import dev.vimi.compat.ConditionEncoderContractSuite;
import dev.vimi.compat.DenoiserContractSuite;
import dev.vimi.compat.RetrieverContractSuite;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.Denoiser;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.Retriever;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reference provider passes its own contract suite. */
class GaussianOracleCompatTest extends DenoiserContractSuite {
  @Override
  protected Denoiser createDenoiser() {
    return new GaussianOracleDenoiserProvider()
        .create(new DenoiserSpec("t", OutputKind.EPSILON, 0.5, 3, 2, 4, 6, 5, 7, Optional.empty()), ProviderConfig.empty("test"));
  }
}
