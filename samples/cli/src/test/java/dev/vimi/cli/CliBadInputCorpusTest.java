package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus of the command line ({@code src/test/resources/bad-inputs/cli.jsonl}), one case
 * per line: the arguments, the files the case adds to a prepared folder (a memory, a damaged copy of
 * it, a small PNG, caption files), the exit code, and the words the message must contain. For every
 * case it also checks that the message names no Java API (the fix must be in flags), carries no stack
 * trace, and that nothing stored changed: every file of the folder has the same bytes afterwards, and
 * no file appeared (but under the paths a case lists in {@code "creates"}: a new memory it names).
 *
 * <p>File contents in the corpus: a string (UTF-8), {@code {"hex": "..."}} for exact bytes, or {@code
 * {"gen": NAME}} for a file made here ({@link #generate}).
 */
class CliBadInputCorpusTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Java API names that must never reach a command-line user. */
  private static final List<String> API_WORDS =
      List.of(
          "MalformedPolicy", "ReadOptions", "skipMalformed(", "maxCaptionChars", "'index.dir'", "max.caption.chars",
          "images.inline.max.bytes", "max_image_pixels", "commit.interval.seconds", "Exception:", "\tat ", "java.lang.");

  @TempDir static Path template;
  @TempDir static Path cache;
  @TempDir Path dir;

  @BeforeAll
  static void prepare() throws IOException {
    System.setProperty("vimi.cache.dir", cache.toString());
    System.setProperty("vimi.home", Path.of("").toAbsolutePath().resolve("../..").normalize().toString());
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      pairs.add("{\"id\":\"m" + i + "\",\"caption\":\"a dog number " + i + " on a blue background\"}");
    }
    Files.write(template.resolve("pairs.jsonl"), pairs);
    Files.write(
        template.resolve("captions.jsonl"),
        List.of("{\"id\":\"v1\",\"caption\":\"a dog surfing\"}", "{\"id\":\"v2\",\"caption\":\"a cat sleeping\"}"));
    Files.write(template.resolve("cat.png"), generate("tiny-png"));
    for (String memory : List.of("memory", "damaged")) {
      CliReliabilityTest.Run r =
          CliReliabilityTest.vimi("memory", "ingest", template.resolve("pairs.jsonl").toString(), "-m", template.resolve(memory).toString(), "--progress", "none");
      assertThat(r.code()).as(r.err()).isZero();
    }
    Path dvd;
    try (Stream<Path> s = Files.list(template.resolve("damaged/lucene"))) {
      dvd = s.filter(p -> p.toString().endsWith(".dvd")).findFirst().orElseThrow();
    }
    byte[] data = Files.readAllBytes(dvd);
    int at = new String(data, StandardCharsets.ISO_8859_1).indexOf("m17");
    data[at + 2] ^= 1; // the id m17 becomes m16 in the stored pair; the file keeps its size
    Files.write(dvd, data);
  }

  @AfterAll
  static void restore() {
    System.clearProperty("vimi.cache.dir");
    System.clearProperty("vimi.home");
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = Objects.requireNonNull(CliBadInputCorpusTest.class.getResourceAsStream("/bad-inputs/cli.jsonl"))) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) {
          JsonNode c = JSON.readTree(line);
          out.add(Arguments.of(c.get("id").asText(), c));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedClearlyAndChangesNothing(String id, JsonNode c) throws Exception {
    assumeTrue(!c.path("linux").asBoolean() || Files.isDirectory(Path.of("/sys")), "needs /sys");
    copy(template, dir);
    if (c.has("files")) {
      for (Map.Entry<String, JsonNode> f : c.get("files").properties()) {
        Path p = dir.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        JsonNode v = f.getValue();
        byte[] bytes =
            v.isTextual() ? v.asText().getBytes(StandardCharsets.UTF_8)
                : v.has("hex") ? HexFormat.of().parseHex(v.get("hex").asText())
                : generate(v.get("gen").asText());
        Files.write(p, bytes);
      }
    }
    Map<String, String> before = snapshot(dir);
    List<String> args = new ArrayList<>();
    c.get("args").forEach(a -> args.add(a.asText().replace("{dir}", dir.toString())));

    CliReliabilityTest.Run r = CliReliabilityTest.vimi(args.toArray(String[]::new));

    String err = r.err();
    assertThat(r.code()).as(id + ": exit code; stderr: " + err).isEqualTo(c.get("exit").asInt());
    for (JsonNode e : c.get("expect")) {
      assertThat(err).as(id + ": the message names the problem").contains(e.asText().replace("{dir}", dir.toString()));
    }
    if (c.has("absent")) {
      for (JsonNode a : c.get("absent")) {
        assertThat(err).as(id).doesNotContain(a.asText());
      }
    }
    for (String w : API_WORDS) {
      assertThat(err).as(id + ": no Java API name or stack trace reaches the user").doesNotContain(w);
    }
    Map<String, String> after = snapshot(dir);
    if (c.has("creates")) { // a case may create a new, empty memory of its own; what existed must be untouched
      for (JsonNode prefix : c.get("creates")) {
        after.keySet().removeIf(k -> k.startsWith(prefix.asText()) && !before.containsKey(k));
      }
    }
    assertThat(after).as(id + ": nothing stored changed, nothing was created").isEqualTo(before);
  }

  /** Relative path to SHA-256 of every file (Lucene's empty write.lock aside, which a refused writer may leave). */
  static Map<String, String> snapshot(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (Files.isDirectory(p)) {
          if (!rel.isEmpty()) {
            out.put(rel + "/", "folder");
          }
        } else if (!p.getFileName().toString().equals("write.lock")) {
          out.put(rel, HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
        }
      }
    }
    return out;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.sorted().toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }

  /** The files a case names by {@code {"gen": NAME}}. */
  static byte[] generate(String name) throws IOException {
    return switch (name) {
      case "tiny-png" -> png(16, 16, 6, 1);
      case "truncated-png" -> {
        byte[] full = png(64, 64, 2, 3);
        yield java.util.Arrays.copyOf(full, full.length / 2);
      }
      case "big-png" -> png(8000, 8000, 2, 1);
      case "png-2mb" -> {
        // starts and ends like a PNG (what ingest checks by reference); 2 MB, over the 1 MB inline limit
        byte[] head = png(1, 1, 2, 1);
        byte[] out = new byte[2 << 20];
        new java.util.Random(1).nextBytes(out);
        System.arraycopy(head, 0, out, 0, 33); // signature and IHDR
        System.arraycopy(head, head.length - 12, out, out.length - 12, 12); // IEND
        yield out;
      }
      case "fake-mp4" -> {
        byte[] b = new byte[64];
        System.arraycopy("ftypisom".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 8);
        b[3] = 32;
        yield b;
      }
      case "long-id-tsv" -> ("x".repeat(2000) + "\ta caption\n").getBytes(StandardCharsets.UTF_8);
      case "truncated-tar" -> {
        byte[] tar = tar("s1.png", generate("tiny-png"), "s1.txt", "a cat".getBytes(StandardCharsets.UTF_8));
        yield java.util.Arrays.copyOf(tar, 512 + 40); // cut inside the first entry's data
      }
      default -> throw new IllegalArgumentException("no generator named " + name);
    };
  }

  /** A valid PNG of one colour, written row by row (an 8000x8000 one stays small on disk). */
  static byte[] png(int w, int h, int colourType, int value) throws IOException {
    int channels = colourType == 6 ? 4 : 3;
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    try (var z = new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9))) {
      byte[] row = new byte[1 + channels * w];
      java.util.Arrays.fill(row, 1, row.length, (byte) value);
      for (int y = 0; y < h; y++) {
        z.write(row);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(png, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) colourType).array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    var crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A ustar archive of name/data pairs. */
  private static byte[] tar(Object... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < entries.length; i += 2) {
      String name = (String) entries[i];
      byte[] data = (byte[]) entries[i + 1];
      byte[] h = new byte[512];
      put(h, 0, name);
      put(h, 100, "0000644");
      put(h, 108, "0001750");
      put(h, 116, "0001750");
      put(h, 124, String.format("%011o", data.length));
      put(h, 136, String.format("%011o", 1_700_000_000L));
      h[156] = '0';
      put(h, 257, "ustar");
      put(h, 263, "00");
      java.util.Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      put(h, 148, String.format("%06o", sum));
      h[154] = 0;
      out.writeBytes(h);
      out.writeBytes(data);
      out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }
}
