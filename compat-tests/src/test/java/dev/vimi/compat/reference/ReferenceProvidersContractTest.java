package dev.vimi.compat.reference;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;
import org.junit.jupiter.api.Nested;

/** The reference providers keep the promises of every provider. */
class ReferenceProvidersContractTest {

  @Nested
  class GaussianOracle extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new GaussianOracleDenoiserProvider();
    }
  }

  @Nested
  class GaussianFramesOracle extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new GaussianFramesOracleDenoiserProvider();
    }
  }

  @Nested
  class MixtureOracle extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new MixtureOracleDenoiserProvider();
    }
  }

  @Nested
  class Hashing extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new HashingConditionEncoderProvider();
    }
  }

  @Nested
  class InMemory extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new InMemoryRetrieverProvider();
    }
  }

  @Nested
  class CaptionOnlyTask extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new dev.vimi.compat.CaptionOnlyTaskProvider();
    }
  }
}
