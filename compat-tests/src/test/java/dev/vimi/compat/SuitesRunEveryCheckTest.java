package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each contract check is run by one test method of its suite, named after the check's id, so that
 * surefire's reports name the promise; a check without a method (or a method without a check) is
 * caught here.
 */
class SuitesRunEveryCheckTest {

  private static List<String> testMethods(Class<?> suite) {
    return Arrays.stream(suite.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class))
        .peek(m -> assertThat(Modifier.isFinal(m.getModifiers())).as("%s is final", m).isTrue())
        .map(Method::getName)
        .sorted()
        .toList();
  }

  private static List<String> ids(List<Check> checks) {
    return checks.stream().map(Check::id).sorted().toList();
  }

  @Test
  void everyCheckHasItsTestMethod() {
    assertThat(testMethods(RetrieverContractSuite.class))
        .isEqualTo(ids(new RetrieverContract((m, d) -> null, Path.of("unused"), 0, RetrieverContract.Capabilities.DEFAULT).checks()));
    assertThat(testMethods(DenoiserContractSuite.class)).isEqualTo(ids(new DenoiserContract(() -> null, 0, 0, true).checks()));
    assertThat(testMethods(ConditionEncoderContractSuite.class)).isEqualTo(ids(new ConditionEncoderContract(() -> null, true).checks()));
    assertThat(testMethods(TaskInstructionContractSuite.class)).isEqualTo(ids(new TaskInstructionContract(() -> null).checks()));
    assertThat(testMethods(MemoryWriterContractSuite.class))
        .isEqualTo(ids(new MemoryWriterContract(d -> null, Path.of("unused"), 0).checks()));
    assertThat(testMethods(VideoWriterContractSuite.class))
        .isEqualTo(ids(new VideoWriterContract(() -> null, Path.of("unused"), "v").checks()));
    assertThat(testMethods(ProviderContractSuite.class)).isEqualTo(ids(new ProviderContract(() -> null).checks()));
  }
}
