package dev.vimi.sample.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of the repository's README.md, by language, verbatim (indentation of a list item removed). */
final class ReadmeBlocks {
  private ReadmeBlocks() {}

  static Path repoRoot() {
    String p = System.getProperty("repo.root");
    return (p != null ? Path.of(p) : Path.of("").toAbsolutePath().resolve("../..")).normalize();
  }

  static String readme() throws IOException {
    return Files.readString(repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
  }

  /** Every block fenced with {@code ```language}, in order. */
  static List<String> blocks(String markdown, String language) {
    List<String> out = new ArrayList<>();
    List<String> lines = markdown.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.stripLeading();
      if (trimmed.equals("```" + language)) {
        int indent = line.length() - trimmed.length();
        StringBuilder sb = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
          String l = lines.get(i);
          sb.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  /** The lines of {@code source} between {@code // README:<name>:begin} and {@code :end}, common indentation removed. */
  static String region(String source, String name) {
    List<String> lines = source.lines().toList();
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("// README:" + name + ":begin")) {
        from = i + 1;
      } else if (lines.get(i).strip().equals("// README:" + name + ":end")) {
        to = i;
      }
    }
    if (from < 0 || to < from) {
      throw new IllegalArgumentException("no README:" + name + " region");
    }
    List<String> region = new ArrayList<>(lines.subList(from, to));
    int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : region) {
      sb.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
    }
    return sb.toString();
  }
}
