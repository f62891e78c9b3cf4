package dev.vimi.compat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks of one contract by id, for the suites' test methods. Not thread-safe; one per suite
 * instance.
 */
final class CheckSet {
  private static final Logger LOG = LoggerFactory.getLogger(CheckSet.class);
  private final Map<String, Check> byId = new LinkedHashMap<>();
  private final long seed;

  CheckSet(List<Check> checks, long seed) {
    for (Check c : checks) {
      if (byId.put(c.id(), c) != null) {
        throw new IllegalStateException("two checks share the id " + c.id());
      }
    }
    this.seed = seed;
  }

  /** Logs the seed once per suite, so that a run's output says which data it tested. */
  static long announce(Class<?> suite) {
    long seed = CompatSeed.current();
    LOG.info(
        "{} runs with seed {} ({}); -Dvimi.compat.seed={} replays it",
        suite.getName(), seed, CompatSeed.replayed() ? "given" : "drawn for this run", seed);
    return seed;
  }

  void run(String id) {
    Check c = byId.get(id);
    if (c == null) {
      throw new IllegalStateException("the contract has no check '" + id + "'; checks: " + byId.keySet());
    }
    c.run(seed);
  }
}
