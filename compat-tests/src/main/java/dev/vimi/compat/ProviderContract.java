package dev.vimi.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.vimi.spi.ConditionEncoderProvider;
import dev.vimi.spi.ConfigKeys;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.DenoiserProvider;
import dev.vimi.spi.DenoiserSpec;
import dev.vimi.spi.NamedProvider;
import dev.vimi.spi.OutputKind;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderContext;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.RetrieverProvider;
import dev.vimi.spi.SelfTestSetup;
import dev.vimi.spi.TaskProvider;
import dev.vimi.spi.VideoWriterProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.opentest4j.TestAbortedException;

/**
 * The promises every provider makes whatever its kind ({@link NamedProvider}), as {@link Check}s: its
 * name follows the registry's rule, constructing it is cheap, and each of its factory methods refuses
 * a configuration key it does not read with the one message of {@link ConfigKeys} (owner, key, the
 * nearest known key, the known keys) before it opens anything. Used by {@link ProviderContractSuite}
 * and {@link CompatRunner} (kind {@code provider}). Immutable.
 *
 * <p>The factory methods tried, by kind: a retriever's {@code open}, and its {@code openWriter} and
 * {@code verify} when it overrides them; an encoder's {@code create} with and without a context; a
 * denoiser's {@code create} with its {@linkplain NamedProvider#selfTest self-test} stage or a small
 * one; a task's and a writer's {@code create}. Each gets the provider's self-test configuration (or an
 * empty one) plus one unknown key, so that the refusal must come from the unknown key.
 *
 * <p>Construction is checked with a JFR recording of native library loads (JDK 22 and later) on the
 * constructing thread, and the live threads before and after. A library is seen only the first time
 * the JVM loads it, so the check runs first ({@link ProviderContractSuite} orders it so) and sees
 * nothing a provider loaded before in the same JVM (in {@link CompatRunner}, the service loader has
 * already made every provider once: there it checks threads and later loads only).
 */
public final class ProviderContract {

  /** Constructs a new instance of the provider under test, as {@link java.util.ServiceLoader} would. */
  @FunctionalInterface
  public interface Factory {
    NamedProvider create() throws Exception;
  }

  /** A key no provider reads, far from every real key. */
  static final String UNKNOWN_KEY = "zz-vimi-contract-no-such-key";

  private static final Pattern KNOWN = Pattern.compile("known: \\[([^\\]]*)\\]");

  private final Factory factory;

  public ProviderContract(Factory factory) {
    this.factory = factory;
  }

  public List<Check> checks() {
    return List.of(
        Check.of("constructionIsCheap", "constructing the provider and asking its name, priority and description load no native library and start no thread", this::cheap),
        Check.of("nameFollowsTheRegistryRule", "the name follows the registry's rule and, with priority and description, is the same on every instance", this::name),
        Check.of("unknownKeyIsRefusedWithTheKnownKeys", "every factory method refuses an unknown key with ConfigurationException naming the owner, the key and the known keys", this::unknownKey),
        Check.of("nearKeyIsRefusedWithDidYouMean", "a key one typo away from a known key is refused with \"did you mean\" and that key", this::typo),
        Check.of("unknownBundleSettingIsRefused", "an encoder refuses a model bundle setting it does not read, naming it", this::bundleSetting));
  }

  private NamedProvider provider() throws Exception {
    NamedProvider p = factory.create();
    assertThat(p).as("the factory's provider").isNotNull();
    return p;
  }

  private static String kind(NamedProvider p) {
    return switch (p) {
      case RetrieverProvider r -> "retriever";
      case ConditionEncoderProvider e -> "encoder";
      case DenoiserProvider d -> "denoiser";
      case TaskProvider t -> "task";
      case VideoWriterProvider w -> "writer";
      default -> "provider";
    };
  }

  private void name() throws Exception {
    NamedProvider a = provider();
    NamedProvider b = provider();
    ProviderLookup.checkName(kind(a), a);
    assertThat(b.name()).as("the name of a second instance").isEqualTo(a.name());
    assertThat(b.priority()).as("the priority of a second instance").isEqualTo(a.priority());
    assertThat(a.description()).as("description()").isNotBlank();
  }

  private void cheap() throws Exception {
    List<String> natives = new ArrayList<>();
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    List<Thread> started = new ArrayList<>();
    Path dump = Files.createTempFile("vimi-contract", ".jfr");
    try (Recording r = new Recording()) {
      // JDK 22 and later record native library loads; on 21 this check sees threads only
      r.enable("jdk.NativeLibraryLoad").withoutThreshold().withStackTrace();
      r.start();
      before.addAll(Thread.getAllStackTraces().keySet()); // the recorder's own threads
      NamedProvider p = provider();
      p.name();
      p.priority();
      p.description();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("JFR")) {
          started.add(t);
        }
      }
      r.stop();
      r.dump(dump);
      for (RecordedEvent e : RecordingFile.readAllEvents(dump)) {
        // loaded on this thread while the provider was made (by its class, its constructor or what they call)
        if (e.getEventType().getName().equals("jdk.NativeLibraryLoad") && e.getStackTrace() != null
            && e.getStackTrace().getFrames().stream().anyMatch(f -> f.getMethod().getType().getName().equals(ProviderContract.class.getName()))) {
          natives.add(e.getString("name"));
        }
      }
    } finally {
      Files.deleteIfExists(dump);
    }
    assertThat(natives)
        .as("native libraries loaded while constructing the provider; load them in the factory method (create/open), not in the constructor or a static initializer")
        .isEmpty();
    assertThat(started.stream().map(Thread::getName).toList())
        .as("threads started while constructing the provider; start them in the factory method")
        .isEmpty();
  }

  /** One call of one factory method with a configuration. */
  private record Entry(String method, ThrowingCall call) {}

  @FunctionalInterface
  private interface ThrowingCall {
    Object call(ProviderConfig config) throws Exception;
  }

  private static boolean overrides(NamedProvider p, String method, Class<?>... params) {
    try {
      return p.getClass().getMethod(method, params).getDeclaringClass() != RetrieverProvider.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static List<Entry> entries(NamedProvider p, SelfTestSetup setup) {
    List<Entry> out = new ArrayList<>();
    switch (p) {
      case RetrieverProvider r -> {
        out.add(new Entry("open", r::open));
        if (overrides(p, "openWriter", ProviderConfig.class)) {
          out.add(new Entry("openWriter", r::openWriter));
        }
        if (overrides(p, "verify", ProviderConfig.class)) {
          out.add(new Entry("verify", r::verify));
        }
      }
      case ConditionEncoderProvider e -> {
        out.add(new Entry("create(config)", e::create));
        out.add(new Entry("create(config, context)", c -> e.create(c, setup.context())));
      }
      case DenoiserProvider d -> {
        DenoiserSpec spec =
            setup.stage().orElse(new DenoiserSpec("contract", OutputKind.EDM, 0.5, 3, 2, 8, 8, 8, 16, Optional.empty()));
        out.add(new Entry("create(spec, config, context)", c -> d.create(spec, c, setup.context())));
        out.add(new Entry("create(spec, config)", c -> d.create(spec, c)));
      }
      case TaskProvider t -> out.add(new Entry("create", t::create));
      case VideoWriterProvider w -> out.add(new Entry("create", w::create));
      default -> throw new TestAbortedException(p.getClass().getName() + " is of no kind this contract knows");
    }
    return out;
  }

  private static SelfTestSetup setup(NamedProvider p, Path workDir) {
    return p.selfTest(workDir).orElse(SelfTestSetup.of(ProviderConfig.empty(kind(p) + " " + p.name())));
  }

  /**
   * Calls {@code entry} with {@code config} plus {@code key}, and returns the refusal; a product made
   * anyway is closed and the check fails.
   */
  private static ConfigurationException refusal(NamedProvider p, Entry entry, ProviderConfig config, String key) throws Exception {
    ProviderConfig withKey = config.with(key, "1");
    Object made;
    try {
      made = entry.call().call(withKey);
    } catch (ConfigurationException e) {
      return e;
    } catch (Exception | LinkageError e) {
      throw new AssertionError(
          p.name() + "." + entry.method() + " with the unknown key '" + key + "' threw " + e
              + " instead of a ConfigurationException; check the keys (ProviderConfig.requireKnownKeys) before anything else",
          e);
    }
    if (made instanceof AutoCloseable c) {
      c.close();
    }
    return fail(p.name() + "." + entry.method() + " accepted the unknown key '" + key + "' (keys: " + withKey.keys()
        + "); refuse keys the provider does not read with ProviderConfig.requireKnownKeys, so that a typo is not a setting silently ignored");
  }

  private static List<String> known(String message) {
    Matcher m = KNOWN.matcher(message);
    if (!m.find()) {
      return List.of();
    }
    return m.group(1).isBlank() ? List.of() : Arrays.stream(m.group(1).split(", ")).toList();
  }

  private void unknownKey() throws Exception {
    NamedProvider p = provider();
    Path work = Files.createTempDirectory("vimi-contract-" + p.name());
    try {
      SelfTestSetup setup = setup(p, work);
      for (Entry entry : entries(p, setup)) {
        String msg = String.valueOf(refusal(p, entry, setup.config(), UNKNOWN_KEY).getMessage());
        assertThat(msg)
            .as("%s.%s's refusal of an unknown key", p.name(), entry.method())
            .startsWith(setup.config().owner() + ": ")
            .contains("unknown key '" + UNKNOWN_KEY + "'")
            .contains("known: [");
        assertThat(known(msg)).as("the known keys in: %s", msg).doesNotContain(UNKNOWN_KEY);
      }
    } finally {
      TempDirs.deleteRecursively(work);
    }
  }

  private void typo() throws Exception {
    NamedProvider p = provider();
    Path work = Files.createTempDirectory("vimi-contract-" + p.name());
    try {
      SelfTestSetup setup = setup(p, work);
      for (Entry entry : entries(p, setup)) {
        List<String> known = known(String.valueOf(refusal(p, entry, setup.config(), UNKNOWN_KEY).getMessage()));
        // a known key the base configuration does not set, with its last character doubled
        Optional<String> meant = known.stream().filter(k -> !setup.config().contains(k)).findFirst();
        if (meant.isEmpty()) {
          throw new TestAbortedException(p.name() + "." + entry.method() + " reads no key the configuration leaves unset");
        }
        String typo = meant.get() + meant.get().charAt(meant.get().length() - 1);
        String expected = ConfigKeys.suggest(typo, known).orElseThrow();
        String msg = String.valueOf(refusal(p, entry, setup.config(), typo).getMessage());
        assertThat(msg)
            .as("%s.%s's refusal of '%s'", p.name(), entry.method(), typo)
            .contains("unknown key '" + typo + "'; did you mean '" + expected + "'?");
      }
    } finally {
      TempDirs.deleteRecursively(work);
    }
  }

  private void bundleSetting() throws Exception {
    NamedProvider p = provider();
    if (!(p instanceof ConditionEncoderProvider e)) {
      throw new TestAbortedException("only encoders get a model bundle's settings");
    }
    Path work = Files.createTempDirectory("vimi-contract-" + p.name());
    try {
      SelfTestSetup setup = setup(p, work);
      Map<String, String> section = new LinkedHashMap<>(setup.context().section());
      section.put(UNKNOWN_KEY, "1");
      ProviderContext ctx = ProviderContext.ofBundle(work, section);
      Object made;
      try {
        made = e.create(setup.config(), ctx);
      } catch (ConfigurationException refused) {
        assertThat(refused.getMessage()).as("the refusal of a bundle setting").contains(UNKNOWN_KEY);
        return;
      }
      if (made instanceof AutoCloseable c) {
        c.close();
      }
      fail(p.name() + " accepted the model bundle setting '" + UNKNOWN_KEY + "'; check the context's section"
          + " (ProviderContext.sectionConfig(owner).requireKnownKeys(...)) or keep the default create(config, context)");
    } finally {
      TempDirs.deleteRecursively(work);
    }
  }
}
