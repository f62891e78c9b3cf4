package dev.vimi.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The one refusal of unknown configuration keys, shared by every provider and every pipeline
 * section: a key that nothing reads is a typo until proven otherwise, and a typo silently ignored
 * is a setting silently not applied. The message names the owner, the key, the closest known key
 * and all known keys:
 *
 * <pre>retriever lucene: unknown key 'k1_typo'; did you mean 'k1'? known: [analyzer, b, k1, ...]</pre>
 *
 * <p>Stateless; all methods are thread-safe.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /**
   * Throws for the first key (in sorted order) of {@code present} that is not in {@code known} and not
   * {@code ignored}.
   *
   * @param owner who reads the keys, as in every configuration message ({@code "retriever lucene"})
   * @param ignored keys that belong to someone else (e.g. the pipeline's own keys next to a provider's
   *     section, {@code k -> k.startsWith("denoiser.")}); may be null
   * @throws ConfigurationException naming the unknown key, a suggestion when one is close, and the known keys
   */
  public static void requireKnown(
      String owner, Collection<String> present, Collection<String> known, Predicate<String> ignored) {
    Objects.requireNonNull(owner, "owner");
    for (String key : new TreeSet<>(present)) {
      if (!known.contains(key) && (ignored == null || !ignored.test(key))) {
        throw unknownKey(owner, key, known);
      }
    }
  }

  /** {@link #requireKnown(String, Collection, Collection, Predicate)} with nothing ignored. */
  public static void requireKnown(String owner, Collection<String> present, Collection<String> known) {
    requireKnown(owner, present, known, null);
  }

  /**
   * The exception for one unknown key: {@code "<owner>: unknown key '<key>'; did you mean '<k>'? known: [...]"}
   * (without the question when no known key is close).
   */
  public static ConfigurationException unknownKey(String owner, String key, Collection<String> known) {
    StringBuilder sb = new StringBuilder(owner).append(": unknown key '").append(key).append('\'');
    Optional<String> s = suggest(key, known);
    sb.append(s.isPresent() ? "; did you mean '" + s.get() + "'? known: " : "; known: ").append(new TreeSet<>(known));
    if (key.startsWith("model.")) {
      sb.append(" (model bundle facts are no configuration keys: a provider reads the bundle's folder and its")
          .append(" manifest section from the ProviderContext the pipeline hands to create)");
    }
    return new ConfigurationException(sb.toString());
  }

  /**
   * The known key that {@code key} most likely misspells, if one is close: the same key up to case and
   * separators ({@code commit-every} for {@code commit.every}), one within a small edit distance
   * (a typo, a transposition, {@code analyser} for {@code analyzer}), one that {@code key} extends
   * or shortens at a separator ({@code k1_typo} for {@code k1}), or one that {@code key} ends with after
   * a prefix ({@code model.lm} or {@code retriever.index.dir} for {@code lm} and {@code index.dir}: a
   * key written with its section's name).
   */
  public static Optional<String> suggest(String key, Collection<String> known) {
    String nk = normalise(key);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : new TreeSet<>(known)) {
      String nc = normalise(k);
      if (nc.equals(nk)) {
        return Optional.of(k);
      }
      int d = distance(nk, nc);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    if (best != null && bestDistance <= Math.max(2, Math.min(nk.length(), normalise(best).length()) / 3)
        && bestDistance < Math.max(nk.length(), normalise(best).length())) {
      return Optional.of(best);
    }
    // a known key followed by a separator and more (k1_typo), or cut short at a separator
    String longest = null;
    for (String k : known) {
      String nc = normalise(k);
      boolean extends_ = nk.startsWith(nc) && nk.length() > nc.length() && nk.charAt(nc.length()) == '.';
      boolean shortens = nc.startsWith(nk) && nc.length() > nk.length() && nc.charAt(nk.length()) == '.';
      if ((extends_ || shortens) && (longest == null || k.length() > longest.length())) {
        longest = k;
      }
    }
    if (longest != null) {
      return Optional.of(longest);
    }
    // a known key after a prefix and a separator (model.lm, retriever.index.dir)
    for (String k : known) {
      String nc = normalise(k);
      if (nk.endsWith("." + nc) && (longest == null || k.length() > longest.length())) {
        longest = k;
      }
    }
    return Optional.ofNullable(longest);
  }

  /** Lower case, with '-', '_' and '.' all read as one separator. */
  private static String normalise(String key) {
    return key.toLowerCase(Locale.ROOT).replace('-', '.').replace('_', '.');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[][] d = new int[n + 1][m + 1];
    for (int i = 0; i <= n; i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= m; j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= n; i++) {
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[n][m];
  }
}
