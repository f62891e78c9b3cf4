package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** What the issue of silent results and unclear answers found, through the command line as a user runs it. */
class CliReliabilityTest {
  @TempDir static Path cache;
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  @BeforeAll
  static void setUp() {
    System.setProperty("vimi.cache.dir", cache.toString());
    System.setProperty("vimi.home", Path.of("").toAbsolutePath().resolve("../..").normalize().toString());
  }

  @AfterAll
  static void restore() {
    System.clearProperty("vimi.cache.dir");
    System.clearProperty("vimi.home");
  }

  static Run vimi(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        VimiCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Every command and subcommand, as the words a user types. */
  static List<String> commands() {
    List<String> out = new ArrayList<>();
    collect(new CommandLine(new VimiCommand()), "", out);
    return out;
  }

  private static void collect(CommandLine cl, String prefix, List<String> out) {
    String name = (prefix + " " + cl.getCommandName()).strip();
    out.add(name);
    cl.getSubcommands().forEach((n, sub) -> {
      if (!n.equals("help")) {
        collect(sub, name, out);
      }
    });
  }

  @ParameterizedTest(name = "{0} --help")
  @MethodSource("commands")
  void helpExitsZeroOnEveryCommand(String command) {
    List<String> args = new ArrayList<>(List.of(command.split(" ")).subList(1, command.split(" ").length));
    args.add("--help");
    Run r = vimi(args.toArray(String[]::new));
    assertThat(r.code()).as(command + " --help: " + r.err()).isZero();
    assertThat(r.out()).contains("Usage: " + command);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aMistypedOptionIsNamedAloneWithTheRealOne() {
    Run r = vimi("generate", "--sead", "3", "a dog on a blue background");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("Unknown option: '--sead'; did you mean --seed?")
        .contains("vimi generate --help")
        .doesNotContain("'a dog on a blue background'")
        .doesNotContain("'3'");
    Run eq = vimi("memory", "search", "--k=3", "dog");
    assertThat(eq.err()).contains("Unknown option: '--k'").doesNotContain("'dog'");
  }

  private static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Test
  void anExistingOutputIsReplacedOnlyWithForceAndOnlyIfItIsOurs() throws IOException {
    Path video = dir.resolve("v.mp4");
    String[] quick = {"generate", "--steps", "1", "--no-retrieval", "--progress", "none", "a dog moves right on a blue background"};
    Run first = vimi(concat(quick, "--out", video.toString()));
    assertThat(first.code()).as(first.err()).isZero();
    byte[] before = bytes(video);

    Run again = vimi(concat(quick, "--out", video.toString(), "--seed", "5"));
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("--out: " + video + " already exists; pass --force to replace it, or choose another name");
    assertThat(bytes(video)).isEqualTo(before);

    Run forced = vimi(concat(quick, "--out", video.toString(), "--seed", "5", "--force"));
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(bytes(video)).isNotEqualTo(before);

    Path notes = dir.resolve("notes.mp4");
    Files.writeString(notes, "my notes, not a video");
    Run foreign = vimi(concat(quick, "--out", notes.toString(), "--force"));
    assertThat(foreign.code()).isEqualTo(2);
    assertThat(foreign.err()).contains(notes + " exists and is not an MP4 video").contains("even with --force");
    assertThat(Files.readString(notes)).isEqualTo("my notes, not a video");

    Path sheet = dir.resolve("sheet.png");
    Files.writeString(sheet, "not a png");
    Run badSheet = vimi(concat(quick, "--out", dir.resolve("w.gif").toString(), "--contact-sheet", sheet.toString(), "--force"));
    assertThat(badSheet.err()).contains("--contact-sheet: " + sheet + " exists and is not a PNG image");
    assertThat(dir.resolve("w.gif")).as("nothing generated, nothing written").doesNotExist();
  }

  @Test
  void aFramesFolderWithOtherFilesIsNeverReplaced() throws IOException {
    Path frames = Files.createDirectories(dir.resolve("frames"));
    Files.writeString(frames.resolve("holiday.txt"), "mine");
    Run r = vimi("generate", "--steps", "1", "--no-retrieval", "--out", frames.toString(), "--force", "a dog");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("holds files vimi did not write (e.g. holiday.txt)");
    try (Stream<Path> s = Files.list(frames)) {
      assertThat(s.toList()).containsExactly(frames.resolve("holiday.txt"));
    }
  }

  @Test
  void anUnwritableOutputIsRefusedBeforeGenerating() {
    assumeTrue(Files.isDirectory(Path.of("/sys")), "needs /sys (Linux), where no one can create files");
    Run r = vimi("generate", "--out", "/sys/x.mp4", "a dog");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--out: cannot create files in the folder /sys (for x.mp4)").contains("choose a writable folder");
    Run report = vimi("eval", "grounding", "--report", "/sys/r.md");
    assertThat(report.code()).isEqualTo(2);
    assertThat(report.err()).contains("--report: /sys/r.md: cannot create files in the folder /sys");
    Run missing = vimi("generate", "--out", dir.resolve("no/such/folder/x.gif").toString(), "a dog");
    assertThat(missing.err()).contains("does not exist; create it first");
  }

  @Test
  void invalidUtf8InAnIngestIsAMalformedRecord() throws IOException {
    Path pairs = dir.resolve("latin1.tsv");
    byte[] cafe = "a\tcaf\u00e9 au lait\nb\ta dog\n".getBytes(StandardCharsets.ISO_8859_1);
    Files.write(pairs, cafe);
    Path memory = dir.resolve("memory");
    Run fail = vimi("memory", "ingest", pairs.toString(), "-m", memory.toString(), "--progress", "none");
    assertThat(fail.code()).isEqualTo(2);
    assertThat(fail.err()).contains(pairs + ", line 1: invalid UTF-8").contains("--on-malformed skip");
    Run skip = vimi("memory", "ingest", pairs.toString(), "-m", memory.toString(), "--progress", "none", "--on-malformed", "skip");
    assertThat(skip.code()).as(skip.err()).isZero();
    assertThat(skip.out()).containsPattern("skipped records: +1").containsPattern("invalid UTF-8: +1").contains("now holds 1 pairs");
  }

  @Test
  void aDamagedMemoryIsFoundBySearchAndNamedByVerify() throws IOException {
    Path pairs = dir.resolve("p.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      lines.add("{\"id\":\"id" + (1000 + i) + "\",\"caption\":\"a dog number " + i + "\"}");
    }
    Files.write(pairs, lines);
    Path memory = dir.resolve("m");
    assertThat(vimi("memory", "ingest", pairs.toString(), "-m", memory.toString(), "--progress", "none").code()).isZero();
    assertThat(vimi("memory", "verify", "-m", memory.toString()).out()).contains("is intact: 200 pairs");
    Path dvd;
    try (Stream<Path> s = Files.list(memory.resolve("lucene"))) {
      dvd = s.filter(p -> p.toString().endsWith(".dvd")).findFirst().orElseThrow();
    }
    byte[] data = Files.readAllBytes(dvd);
    String text = new String(data, StandardCharsets.ISO_8859_1);
    data[text.indexOf("id1100") + 5] ^= 1;
    Files.write(dvd, data);

    Run search = vimi("memory", "search", "-m", memory.toString(), "dog");
    assertThat(search.code()).isEqualTo(2);
    assertThat(search.err()).contains("is damaged: checksum mismatch in lucene/" + dvd.getFileName()).contains("vimi memory verify");
    Run verify = vimi("memory", "verify", "-m", memory.toString());
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.out()).contains("lucene/" + dvd.getFileName() + ": segment");
    assertThat(verify.err()).contains("is damaged (1 problem, listed above)").contains("ingest the sources again");
  }

  /** A valid 8000x8000 RGB PNG (black), written row by row: 192 MB once decoded, 190 KB on disk. */
  static Path bigPng(Path file) throws IOException {
    java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9))) {
      byte[] row = new byte[1 + 3 * 8000];
      for (int y = 0; y < 8000; y++) {
        z.write(row);
      }
    }
    java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(png, "IHDR", java.nio.ByteBuffer.allocate(13).putInt(8000).putInt(8000).put((byte) 8).put((byte) 2).array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return Files.write(file, png.toByteArray());
  }

  private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
    var crc = new java.util.zip.CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  @Test
  void anOverLimitImageIsRefusedBeforeDecodingWithTheOptionThatRaisesTheLimit() throws IOException {
    Path big = bigPng(dir.resolve("big.png"));
    Run r = vimi("generate", "--task", "subject", "--image", big.toString(), "--out", dir.resolve("v.gif").toString(),
        "A <image> moves left on a red background");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--image: image " + big + " is 8000x8000 = 64,000,000 pixels, more than the limit of 40,000,000;"
            + " it was refused before decoding. Resize it")
        .contains("raise the limit with --max-image-pixels N");
    assertThat(dir.resolve("v.gif")).doesNotExist();
    Run first = vimi("generate", "--task", "predict", "--first-frame", big.toString(), "--max-image-pixels", "1000", "the ball rolls");
    assertThat(first.err()).contains("--first-frame: image " + big + " is 8000x8000 = 64,000,000 pixels, more than the limit of 1,000");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
