package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompatRunnerTest {

  @Test
  void discoversAndPassesTheReferenceProviders() throws Exception {
    List<CompatRunner.Report> reports = new CompatRunner(getClass().getClassLoader(), CompatSeed.current()).run();
    assertThat(reports)
        .extracting(CompatRunner.Report::provider)
        .contains("in-memory", "hashing", "gaussian-oracle", "mixture-oracle", "caption-only");
    assertThat(reports).allSatisfy(r -> assertThat(r.failures()).as(r.toString()).isEmpty());
    int denoiserChecks = new DenoiserContract(() -> null, 0, 1e-4, true).checks().size();
    assertThat(reports).filteredOn(r -> r.provider().equals("gaussian-oracle") && r.kind().equals("denoiser")).singleElement()
        .satisfies(r -> assertThat(r.passed()).isEqualTo(denoiserChecks));
    // and every provider, of every kind, once more as a provider: name, cheap construction, unknown keys
    assertThat(reports).filteredOn(r -> r.kind().equals("provider")).extracting(CompatRunner.Report::provider)
        .contains("in-memory", "hashing", "gaussian-oracle", "gaussian-frames-oracle", "mixture-oracle", "caption-only");
  }

  @Test
  void aTextOnlyTaskIsCheckedWithTextOnly() throws Exception {
    // before tasks declared their inputs, the runner gave every task text plus an image, and a text-only task failed
    List<CompatRunner.Report> reports = new CompatRunner(getClass().getClassLoader(), CompatSeed.current()).run();
    assertThat(reports).filteredOn(r -> r.provider().equals("caption-only") && r.kind().equals("task")).singleElement()
        .satisfies(r -> assertThat(r.ok()).as(r.toString()).isTrue())
        .satisfies(r -> assertThat(r.toString()).startsWith("PASS task"));
  }
}
