package dev.vimi.compat.broken;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.compat.BrokenPromiseError;
import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.compat.SuiteResults;
import dev.vimi.compat.SuiteResults.Outcome;
import dev.vimi.compat.reference.HashingConditionEncoderProvider;
import dev.vimi.spi.ConditionEncoder;
import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.NamedProvider;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.TaskInstruction;
import dev.vimi.spi.TaskProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Each promise of {@link ProviderContractSuite} is proved to be checked: a provider that breaks it
 * fails that promise's test method, with a message that names the promise and says what to do.
 */
class BrokenNamedProvidersAreCaughtTest {

  /** An encoder that reads 'length' and silently ignores every other key (the bug this contract is about). */
  public static final class IgnoresUnknownKeys implements ConditionEncoderProvider {
    @Override
    public String name() {
      return "ignores-keys";
    }

    @Override
    public ConditionEncoder create(ProviderConfig config) {
      return new HashingConditionEncoderProvider().create(ProviderConfig.of(config.owner(), Map.of("length", config.getString("length", "8"))));
    }
  }

  /** A task whose refusal names the key but neither its owner nor the known keys. */
  public static final class TerseRefusal implements TaskProvider {
    @Override
    public String name() {
      return "terse";
    }

    @Override
    public TaskInstruction create(ProviderConfig config) {
      for (String k : config.keys()) {
        throw new ConfigurationException("bad key " + k);
      }
      throw new AssertionError("the contract always passes a key");
    }
  }

  /** An encoder that refuses unknown keys but suggests nothing for a typo. */
  public static final class NoSuggestion implements ConditionEncoderProvider {
    @Override
    public String name() {
      return "no-suggestion";
    }

    @Override
    public ConditionEncoder create(ProviderConfig config) {
      for (String k : config.keys()) {
        if (!k.equals("length")) {
          throw new ConfigurationException(config.owner() + ": unknown key '" + k + "'; known: [length]");
        }
      }
      return new HashingConditionEncoderProvider().create(config);
    }
  }

  /** A provider with a name the registry refuses. */
  public static final class UpperCaseName implements TaskProvider {
    @Override
    public String name() {
      return "Caption_Only";
    }

    @Override
    public TaskInstruction create(ProviderConfig config) {
      config.requireKnownKeys(List.of());
      throw new AssertionError("unreachable: the contract always passes a key");
    }
  }

  /** A provider that starts a worker thread when it is constructed. */
  public static final class StartsAThread implements TaskProvider {
    private static final CountDownLatch STOP = new CountDownLatch(1);

    public StartsAThread() {
      Thread t =
          new Thread(
              () -> {
                try {
                  STOP.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "eager-worker");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public String name() {
      return "eager";
    }

    @Override
    public TaskInstruction create(ProviderConfig config) {
      config.requireKnownKeys(List.of());
      throw new AssertionError("unreachable: the contract always passes a key");
    }

    static void stopAll() {
      STOP.countDown();
    }
  }

  /** A provider that loads a native library (one of the JDK's own, rarely used) when it is constructed. */
  public static final class LoadsANativeLibrary implements TaskProvider {
    public LoadsANativeLibrary() {
      System.load(java.nio.file.Path.of(System.getProperty("java.home"), "lib", System.mapLibraryName("j2gss")).toString());
    }

    @Override
    public String name() {
      return "eager-native";
    }

    @Override
    public TaskInstruction create(ProviderConfig config) {
      config.requireKnownKeys(List.of());
      throw new AssertionError("unreachable: the contract always passes a key");
    }
  }

  /** An encoder that reads the operator's keys carefully but drops any model bundle setting unread. */
  public static final class DropsBundleSettings implements ConditionEncoderProvider {
    @Override
    public String name() {
      return "drops-bundle";
    }

    @Override
    public ConditionEncoder create(ProviderConfig config) {
      return new HashingConditionEncoderProvider().create(config);
    }

    @Override
    public ConditionEncoder create(ProviderConfig config, ProviderContext context) {
      return create(config);
    }
  }

  static class IgnoresUnknownKeysSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new IgnoresUnknownKeys();
    }
  }

  static class TerseRefusalSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new TerseRefusal();
    }
  }

  static class NoSuggestionSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new NoSuggestion();
    }
  }

  static class UpperCaseNameSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new UpperCaseName();
    }
  }

  static class StartsAThreadSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new StartsAThread();
    }
  }

  static class LoadsANativeLibrarySuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new LoadsANativeLibrary();
    }
  }

  static class DropsBundleSettingsSuite extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new DropsBundleSettings();
    }
  }

  private static String assertBroken(Class<?> suite, String check, String promise) {
    Map<String, Outcome> results = SuiteResults.run(suite);
    Outcome o = results.get(check);
    assertThat(o).as("%s of %s; all results: %s", check, suite.getSimpleName(), results).isNotNull();
    assertThat(o.status()).as("%s of %s; all results: %s", check, suite.getSimpleName(), results).isEqualTo(Status.FAILED);
    assertThat(o.failure()).isInstanceOf(BrokenPromiseError.class);
    assertThat(o.message()).startsWith("Broken promise: " + promise);
    return o.message();
  }

  @Test
  void acceptingAnUnknownKeyIsCaught() {
    String m = assertBroken(IgnoresUnknownKeysSuite.class, "unknownKeyIsRefusedWithTheKnownKeys", "every factory method refuses an unknown key");
    assertThat(m).contains("accepted the unknown key 'zz-vimi-contract-no-such-key'").contains("requireKnownKeys");
  }

  @Test
  void aRefusalWithoutOwnerOrKnownKeysIsCaught() {
    String m = assertBroken(TerseRefusalSuite.class, "unknownKeyIsRefusedWithTheKnownKeys", "every factory method refuses an unknown key");
    assertThat(m).contains("bad key zz-vimi-contract-no-such-key").contains("task terse: ");
  }

  @Test
  void aRefusalWithoutDidYouMeanIsCaught() {
    String m = assertBroken(NoSuggestionSuite.class, "nearKeyIsRefusedWithDidYouMean", "a key one typo away");
    assertThat(m).contains("unknown key 'lengthh'; did you mean 'length'?");
    // its plain refusal is fine
    assertThat(SuiteResults.run(NoSuggestionSuite.class).get("unknownKeyIsRefusedWithTheKnownKeys").status()).isEqualTo(Status.SUCCESSFUL);
  }

  @Test
  void aNameTheRegistryRefusesIsCaught() {
    String m = assertBroken(UpperCaseNameSuite.class, "nameFollowsTheRegistryRule", "the name follows the registry's rule");
    assertThat(m).contains("'Caption_Only'").contains("names must match");
  }

  @Test
  void aThreadStartedByTheConstructorIsCaught() {
    try {
      String m = assertBroken(StartsAThreadSuite.class, "constructionIsCheap", "constructing the provider");
      assertThat(m).contains("eager-worker").contains("start them in the factory method");
    } finally {
      StartsAThread.stopAll();
    }
  }

  @Test
  void aNativeLibraryLoadedByTheConstructorIsCaught() {
    // the JDK records native library loads from 22 on; the library must not be loaded before in this JVM
    Assumptions.assumeTrue(Runtime.version().feature() >= 22, "JFR records native library loads from JDK 22 on");
    String m = assertBroken(LoadsANativeLibrarySuite.class, "constructionIsCheap", "constructing the provider");
    assertThat(m).contains("j2gss").contains("load them in the factory method");
  }

  @Test
  void droppingABundleSettingIsCaught() {
    String m = assertBroken(DropsBundleSettingsSuite.class, "unknownBundleSettingIsRefused", "an encoder refuses a model bundle setting");
    assertThat(m).contains("accepted the model bundle setting 'zz-vimi-contract-no-such-key'");
  }
}
