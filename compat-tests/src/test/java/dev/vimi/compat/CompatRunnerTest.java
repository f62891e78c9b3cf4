package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompatRunnerTest {

  @Test
  void discoversAndPassesTheReferenceProviders() throws Exception {
    List<CompatRunner.Report> reports = new CompatRunner(getClass().getClassLoader(), CompatSeed.DEFAULT).run();
    assertThat(reports)
        .extracting(CompatRunner.Report::provider)
        .contains("in-memory", "hashing", "gaussian-oracle", "mixture-oracle");
    assertThat(reports).allSatisfy(r -> assertThat(r.failures()).as(r.toString()).isEmpty());
    assertThat(reports).filteredOn(r -> r.provider().equals("gaussian-oracle")).singleElement()
        .satisfies(r -> assertThat(r.passed()).isEqualTo(7));
  }
}
