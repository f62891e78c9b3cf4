package dev.vimi.retriever.vespa.internal;

import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.ProviderConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Configurations and data shared by the tests. */
final class VespaTestSupport {
  private VespaTestSupport() {}

  /**
   * A configuration for the fake at {@code fake} with small retry delays and breaker periods so that
   * fault tests finish quickly; {@code more} adds or overrides keys.
   */
  static ProviderConfig config(FakeVespa fake, String... more) {
    Map<String, String> m = new HashMap<>();
    m.put("endpoint", fake.endpoint().toString());
    m.put("retry.initial-backoff-ms", "10");
    m.put("retry.max-backoff-ms", "50");
    m.put("feed.connections", "1");
    m.put("feed.grace-ms", "200");
    // generous: a reconnect after a dropped HTTP/2 connection on a loaded 2-core CI machine was seen to take
    // over 1.5 s, which opened the breaker in a test that expects every pair to land; the breaker's own tests
    // set a short feed.doom-ms themselves
    m.put("feed.doom-ms", "15000");
    m.put("feed.timeout-ms", "20000");
    for (int i = 0; i + 1 < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return ProviderConfig.of("retriever vespa", m);
  }

  static List<ImageTextPair> pairs(int n, String prefix) {
    List<ImageTextPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ImageTextPair(prefix + i, "caption number " + i + " of " + prefix, List.of("kw" + (i % 3)), null));
    }
    return out;
  }
}
