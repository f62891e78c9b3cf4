package dev.vimi.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the fixes that library messages give in API terms ({@code MalformedPolicy.SKIP}, {@code
 * ReadOptions.maxCaptionChars}, {@code skipMalformed(true)}, configuration keys) into the command
 * line's terms (its flags), so that a user of {@code vimi} is told what to type. The libraries keep
 * their wording for API callers; this table is the one place where the two vocabularies meet, and the
 * bad-input tests check that no API name reaches a command-line user.
 */
final class CliTerms {
  private record Rule(Pattern api, String cli) {}

  private static final List<Rule> RULES =
      List.of(
          rule("read with MalformedPolicy.SKIP", "pass --on-malformed skip"),
          rule("raise ReadOptions.maxCaptionChars", "raise --max-caption-chars"),
          rule("skip malformed records with skipMalformed(true)", "pass --skip-malformed to skip and count such records"),
          new Rule(
              Pattern.compile("more than max\\.caption\\.chars=(\\d+); shorten it or raise max\\.caption\\.chars"),
              "more than --max-caption-chars $1; shorten it or raise --max-caption-chars"),
          new Rule(
              Pattern.compile("more than images\\.inline\\.max\\.bytes=(\\d+); raise the limit or keep images by reference \\(images=reference\\)"),
              "more than the $1 bytes an inline image may have; keep images by reference (--images reference, the default)"),
          rule("'index.dir'", "--memory"),
          rule("configuration key 'k1'", "--k1"),
          rule("configuration key 'b'", "--b"),
          rule("configuration key 'commit.interval.seconds'", "--commit-seconds"),
          rule("configuration key 'commit.every'", "--commit-every"),
          rule("configuration key 'max.caption.chars'", "--max-caption-chars"),
          rule("configuration key 'search.threads'", "--search-threads"),
          rule("configuration key 'images'", "--images"),
          rule("maxCaptionChars must be", "--max-caption-chars must be"),
          rule("'analyzer' is", "--analyzer is"),
          rule("Remove the key (the memory's analyzer is then used)", "Leave out --analyzer (the memory's analyzer is then used)"),
          rule("raise the limit (max-pixels)", "raise the limit with --max-image-pixels N"),
          rule("(configuration key max_image_pixels)", "(--max-image-pixels)"),
          rule("or give the format explicitly (jsonl, tsv, folder, webdataset)", "or give it with --format jsonl|tsv|folder|webdataset"));

  /**
   * What the command line adds to a memory's rejection reason ({@code IngestReport.Rejection.reason()}):
   * the flag that changes it. The reason itself is the memory's wording.
   */
  private static final java.util.Map<String, String> REMEDIES =
      java.util.Map.of("duplicate captions", " (skipped; --keep-duplicate-captions keeps them)");

  private CliTerms() {}

  /** The command-line remedy to append to a memory's rejection reason, or "" if there is none. */
  static String remedy(String reason) {
    return REMEDIES.getOrDefault(reason, "");
  }

  private static Rule rule(String api, String cli) {
    return new Rule(Pattern.compile(Pattern.quote(api)), Matcher.quoteReplacement(cli));
  }

  /** {@code message} with every API-level fix replaced by its command-line form. */
  static String translate(String message) {
    if (message == null) {
      return null;
    }
    String m = message;
    for (Rule r : RULES) {
      m = r.api().matcher(m).replaceAll(r.cli());
    }
    return m;
  }
}
