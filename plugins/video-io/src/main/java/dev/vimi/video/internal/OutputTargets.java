package dev.vimi.video.internal;

import dev.vimi.spi.InvalidInputException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes files and folders so that no partial output is ever visible under the target name: the
 * content goes to a hidden temporary sibling ({@code .name.RANDOM.partial}) in the same folder, which
 * is then renamed onto the target (atomically where the file system allows). On failure the
 * temporary sibling is deleted and the target is untouched.
 */
public final class OutputTargets {
  private static final Logger LOG = LoggerFactory.getLogger(OutputTargets.class);

  /** Writes content into the (already created, empty) temporary file or folder it is given. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path temporary) throws IOException;
  }

  private OutputTargets() {}

  /**
   * Writes a single file: validates the target, lets {@code content} fill a temporary sibling, and
   * moves it onto {@code target}, replacing an existing file.
   *
   * @param what what is written, for messages ("MP4 video")
   * @param extensionHint how a good target name ends, for messages (".mp4")
   */
  public static void writeFile(Path target, String what, String extensionHint, Content content) throws IOException {
    Path abs = absolute(target);
    Path parent = checkParent(abs, target);
    if (Files.isDirectory(abs)) {
      throw new InvalidInputException(
          "target",
          target + " is a folder; a " + what + " is a single file: give a file name ending in " + extensionHint);
    }
    Path tmp = createSibling(parent, abs, false);
    boolean done = false;
    try {
      content.writeTo(tmp);
      move(tmp, abs);
      done = true;
    } finally {
      if (!done) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * Writes a folder of files. {@code replaceable} tells which existing entries belong to an earlier
   * output of the same kind: an existing target folder is replaced only if it is empty or holds
   * nothing else (a folder of the user's own files is never deleted).
   */
  static void writeFolder(Path target, String what, Predicate<String> replaceable, Content content) throws IOException {
    Path abs = absolute(target);
    Path parent = checkParent(abs, target);
    boolean exists = Files.exists(abs, LinkOption.NOFOLLOW_LINKS);
    if (exists) {
      if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidInputException(
            "target", target + " exists and is not a folder; " + what + " are written to a folder: give a folder path");
      }
      List<String> foreign = new ArrayList<>();
      try (Stream<Path> s = Files.list(abs)) {
        s.map(p -> p.getFileName().toString()).filter(n -> !replaceable.test(n)).sorted().limit(3).forEach(foreign::add);
      }
      if (!foreign.isEmpty()) {
        throw new InvalidInputException(
            "target",
            "folder "
                + target
                + " already holds files that are not "
                + what
                + " (e.g. "
                + String.join(", ", foreign)
                + "); only a folder written earlier by this writer is replaced: choose a new or empty folder");
      }
    }
    Path tmp = createSibling(parent, abs, true);
    boolean done = false;
    try {
      content.writeTo(tmp);
      if (exists) {
        Path old = createSibling(parent, abs, true);
        Files.delete(old); // a free name to rename the old folder to
        move(abs, old);
        try {
          move(tmp, abs);
        } catch (IOException e) {
          move(old, abs); // put the earlier output back
          throw e;
        }
        deleteQuietly(old);
      } else {
        move(tmp, abs);
      }
      done = true;
    } finally {
      if (!done) {
        deleteQuietly(tmp);
      }
    }
  }

  /**
   * The checks {@link #writeFile} and {@link #writeFolder} make before writing: the parent folder
   * exists and is writable, and the target is not a folder (for a file) or a file (for a folder).
   */
  public static void checkTarget(Path target, boolean folder) {
    Path abs = absolute(target);
    Path parent = checkParent(abs, target);
    if (!folder && Files.isDirectory(abs)) {
      throw new InvalidInputException("target", target + " is a folder; give a file name");
    }
    if (folder && Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidInputException("target", target + " exists and is not a folder; give a folder path");
    }
    probeWritable(parent, abs, target);
  }

  /**
   * Creates and deletes a hidden file next to the target: the only reliable test that the folder
   * takes new files ({@link Files#isWritable} says yes for root on read-only or virtual file systems
   * such as /sys).
   */
  private static void probeWritable(Path parent, Path abs, Path target) {
    Path probe = null;
    try {
      probe = createSibling(parent, abs, false);
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException e) {
      String why = e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
      throw new InvalidInputException(
          "target", "cannot create files in the folder " + parent + " (for " + target + "): " + why + "; choose a writable folder", e);
    } finally {
      if (probe != null) {
        deleteQuietly(probe);
      }
    }
  }

  /** Throws {@link InterruptedIOException} if the thread was interrupted, so a long write stops early. */
  static void checkInterrupt(Path target) throws InterruptedIOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted while writing " + target + "; nothing was written");
    }
  }

  private static Path absolute(Path target) {
    Objects.requireNonNull(target, "target");
    Path abs = target.toAbsolutePath().normalize();
    if (abs.getFileName() == null) {
      throw new InvalidInputException("target", "'" + target + "' has no file name; give a file or folder name");
    }
    return abs;
  }

  private static Path checkParent(Path abs, Path target) {
    Path parent = abs.getParent();
    if (parent == null || !Files.exists(parent)) {
      throw new InvalidInputException(
          "target", "the folder " + parent + " (for " + target + ") does not exist; create it first or write elsewhere");
    }
    if (!Files.isDirectory(parent)) {
      throw new InvalidInputException("target", parent + " (for " + target + ") is not a folder; write elsewhere");
    }
    if (!Files.isWritable(parent)) {
      throw new InvalidInputException(
          "target", "the folder " + parent + " (for " + target + ") is not writable; choose a writable folder");
    }
    return parent;
  }

  /** Creates an empty hidden file or folder next to {@code abs} under a fresh random name. */
  private static Path createSibling(Path parent, Path abs, boolean folder) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String rnd = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
      Path p = parent.resolve("." + abs.getFileName() + "." + rnd + ".partial");
      try {
        return folder ? Files.createDirectory(p) : Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      } catch (AccessDeniedException e) {
        throw new InvalidInputException(
            "target", "cannot create files in the folder " + parent + " (for " + abs.getFileName() + "): permission denied;"
                + " choose a writable folder", e);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      LOG.debug("atomic rename not supported for {}; falling back to a plain move", to);
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a file or a folder tree; failures are logged, never thrown (we are already failing). */
  static void deleteQuietly(Path p) {
    try {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> s = Files.walk(p)) {
          for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(q);
          }
        }
      } else {
        Files.deleteIfExists(p);
      }
    } catch (DirectoryNotEmptyException e) {
      LOG.warn("could not remove temporary folder {}: it is not empty", p);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove temporary output {}: {}", p, e.toString());
    }
  }
}
