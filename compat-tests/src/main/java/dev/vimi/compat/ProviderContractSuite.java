package dev.vimi.compat;

import dev.vimi.spi.NamedProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;

/**
 * The contract every provider passes whatever its kind: a valid, stable name; cheap construction; and
 * factory methods that refuse unknown configuration keys (and an encoder, unknown model bundle
 * settings) with the owner, the key, the nearest known key and the known keys. Extend it and
 * implement {@link #createProvider()} with {@code new YourProvider()}; a module with several providers
 * gives each a {@code @Nested} subclass. The provider's {@link NamedProvider#selfTest self-test}
 * configuration, if it has one, is the base the unknown keys are added to. Each promise is one test
 * method, named after it; see {@link ProviderContract}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ProviderContractSuite {
  private CheckSet checks;

  /** A new instance of the provider under test, constructed as {@link java.util.ServiceLoader} would. */
  protected abstract NamedProvider createProvider() throws Exception;

  @BeforeAll
  protected final void openContract(TestReporter reporter) throws Exception {
    long seed = CheckSet.announce(getClass());
    reporter.publishEntry("vimi.compat.seed", Long.toString(seed));
    checks = new CheckSet(new ProviderContract(this::createProvider).checks(), seed);
  }

  @Test
  public final void nameFollowsTheRegistryRule() {
    checks.run("nameFollowsTheRegistryRule");
  }

  /** First: a native library is seen only the first time this JVM loads it. */
  @Test
  @Order(1)
  public final void constructionIsCheap() {
    checks.run("constructionIsCheap");
  }

  @Test
  public final void unknownKeyIsRefusedWithTheKnownKeys() {
    checks.run("unknownKeyIsRefusedWithTheKnownKeys");
  }

  @Test
  public final void nearKeyIsRefusedWithDidYouMean() {
    checks.run("nearKeyIsRefusedWithDidYouMean");
  }

  @Test
  public final void unknownBundleSettingIsRefused() {
    checks.run("unknownBundleSettingIsRefused");
  }
}
