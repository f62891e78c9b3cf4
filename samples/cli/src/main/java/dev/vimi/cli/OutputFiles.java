package dev.vimi.cli;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.VideoWriters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The rule of every command that writes a file the user names: nothing is replaced unasked, and
 * nothing is ever replaced that is not the command's own kind of output. Checked before any slow work,
 * so a bad target costs nothing:
 *
 * <ul>
 *   <li>a target that does not exist must be creatable (its folder exists and takes new files);
 *   <li>an existing target is refused unless {@code --force} is given;
 *   <li>with {@code --force}, an existing file is replaced only if it is what the command writes (an MP4
 *       file for {@code --out x.mp4}, a PNG for a contact sheet, a report for {@code --report}); a
 *       folder of PNG frames only if it holds nothing but frames.
 * </ul>
 */
final class OutputFiles {
  private static final Pattern FRAME_NAME = Pattern.compile("frame_\\d{4,}\\.png");

  /** What a command writes, and how an earlier output of that kind starts. */
  record Kind(String what, Predicate<byte[]> startsLike) {
    static final Kind MP4 = new Kind("an MP4 video", b -> b.length >= 8 && ascii(b, 4, "ftyp"));
    static final Kind GIF = new Kind("a GIF", b -> ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a"));
    static final Kind PNG = new Kind("a PNG image", b -> b.length >= 8 && Arrays.equals(b, 0, 8, PNG_SIGNATURE, 0, 8));
    static final Kind PNG_FRAMES = new Kind("a folder of PNG frames", b -> false);
    static final Kind GROUNDING_REPORT = new Kind("a vimi eval report", b -> ascii(b, 0, "# vimi eval grounding"));
  }

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private OutputFiles() {}

  /** The kind of output a video writer produces. */
  static Kind kindOf(VideoWriterProvider writer) {
    List<String> ext = writer.extensions();
    if (ext.isEmpty()) {
      return Kind.PNG_FRAMES;
    }
    return ext.contains("mp4") ? Kind.MP4 : ext.contains("gif") ? Kind.GIF : new Kind("a ." + ext.get(0) + " file", b -> true);
  }

  /**
   * Checks a video target: a writer knows it, its folder takes files, and an existing one may be
   * replaced (see the class comment).
   *
   * @return the writer that will write it
   * @throws InvalidInputException naming {@code flag} and what to do
   */
  static VideoWriterProvider checkVideo(String flag, Path target, boolean force) {
    VideoWriterProvider writer;
    try {
      writer = VideoWriters.checkTarget(target);
    } catch (InvalidInputException e) {
      throw new InvalidInputException(flag, detail(e), e);
    }
    checkReplace(flag, target, force, kindOf(writer));
    return writer;
  }

  /**
   * Checks that {@code target} may be written: refused if it exists and {@code force} is false, or if
   * it exists and is not of {@code kind}. A target that does not exist is left to the writer's own
   * checks (folder exists and takes files).
   */
  static void checkReplace(String flag, Path target, boolean force, Kind kind) {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isSymbolicLink(target)) {
      throw new InvalidInputException(
          flag, target + " is a symbolic link; vimi does not write through links: give the real path or another name");
    }
    if (Files.isDirectory(target)) {
      if (kind != Kind.PNG_FRAMES) {
        throw new InvalidInputException(
            flag, target + " is a folder, but " + kind.what() + " is a single file: give a file name");
      }
      List<String> foreign = entries(target).stream().filter(n -> !FRAME_NAME.matcher(n).matches()).limit(3).toList();
      if (!foreign.isEmpty()) {
        throw new InvalidInputException(
            flag,
            target + " is a folder that holds files vimi did not write (e.g. " + String.join(", ", foreign)
                + "); vimi never replaces them, even with --force: choose a new or empty folder");
      }
      if (!force && !entries(target).isEmpty()) {
        throw new InvalidInputException(
            flag, target + " already holds PNG frames of an earlier run; pass --force to replace them, or choose another folder");
      }
      return;
    }
    byte[] head = head(target);
    if (head.length > 0 && !kind.startsLike().test(head)) {
      throw new InvalidInputException(
          flag,
          target + " exists and is not " + kind.what() + "; vimi never replaces a file that is not its own"
              + " kind of output, even with --force: choose another name");
    }
    if (!force) {
      throw new InvalidInputException(
          flag, target + " already exists; pass --force to replace it, or choose another name");
    }
  }

  /**
   * Checks a plain output file (a report): its folder exists and takes new files, and an existing one
   * may be replaced (see {@link #checkReplace}).
   */
  static void checkFile(String flag, Path target, boolean force, Kind kind) {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new InvalidInputException(
          flag, target + ": the folder " + parent + " does not exist; create it first or write elsewhere");
    }
    checkReplace(flag, target, force, kind);
    Path probe = parent.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".probe");
    try {
      Files.deleteIfExists(probe);
      Files.createFile(probe);
      Files.delete(probe);
    } catch (IOException e) {
      String why =
          e instanceof java.nio.file.AccessDeniedException ? "permission denied"
              : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
              : e.getMessage() != null ? e.getMessage() : "an I/O error";
      throw new InvalidInputException(
          flag, target + ": cannot create files in the folder " + parent + " (" + why + "); choose a writable folder", e);
    }
  }

  /** The message of {@code e} without its field prefix, for re-raising it under a command-line flag. */
  static String detail(InvalidInputException e) {
    String m = e.getMessage();
    String prefix = e.field() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static List<String> entries(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new InvalidInputException("target", "cannot list the folder " + dir + ": " + e.getMessage(), e);
    }
  }

  private static byte[] head(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(32);
    } catch (IOException e) {
      throw new InvalidInputException("target", "cannot read the existing file " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean ascii(byte[] b, int offset, String s) {
    byte[] want = s.getBytes(StandardCharsets.US_ASCII);
    return b.length >= offset + want.length && Arrays.equals(b, offset, offset + want.length, want, 0, want.length);
  }
}
