package dev.vimi.api;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;
import dev.vimi.api.internal.tasks.SubjectDrivenTaskProvider;
import dev.vimi.api.internal.tasks.TextToVideoTaskProvider;
import dev.vimi.api.internal.tasks.VideoPredictionTaskProvider;
import org.junit.jupiter.api.Nested;

/** The paper's tasks keep the promises of every provider: their names, cheap construction, unknown keys refused. */
class TaskProvidersContractTest {
  @Nested
  class TextToVideo extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new TextToVideoTaskProvider();
    }
  }

  @Nested
  class SubjectDriven extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new SubjectDrivenTaskProvider();
    }
  }

  @Nested
  class VideoPrediction extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new VideoPredictionTaskProvider();
    }
  }
}
