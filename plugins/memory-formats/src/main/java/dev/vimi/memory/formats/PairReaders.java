package dev.vimi.memory.formats;

import dev.vimi.spi.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Opens {@link PairReader}s. Stateless; every method may be called from any thread (each reader is
 * then used by one thread).
 *
 * <pre>{@code
 * try (PairReader r = PairReaders.open(Path.of("pairs.jsonl"), ReadOptions.defaults())) {
 *   while (r.hasNext()) {
 *     writer.add(r.next());
 *   }
 * }
 * }</pre>
 */
public final class PairReaders {
  private PairReaders() {}

  /** Opens a file or directory, telling its format from its name ({@link MemoryFormat#detect}). */
  public static PairReader open(Path path, ReadOptions options) {
    return open(path, MemoryFormat.detect(path), options);
  }

  /**
   * Opens a file or directory in the given format.
   *
   * @throws ConfigurationException if the path does not exist or does not suit the format
   * @throws UncheckedIOException if it cannot be opened
   */
  public static PairReader open(Path path, MemoryFormat format, ReadOptions options) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(options, "options");
    if (!Files.exists(path)) {
      throw new ConfigurationException("memory source " + path + " does not exist; check the path");
    }
    try {
      return switch (format) {
        case JSONL -> new JsonlPairReader(path.toString(), new LineReader(requireFile(path, format)), baseDir(path), Files.size(path), options);
        case TSV -> new TsvPairReader(path.toString(), new LineReader(requireFile(path, format)), baseDir(path), Files.size(path), options);
        case IMAGE_FOLDER -> {
          if (!Files.isDirectory(path)) {
            throw new ConfigurationException("memory source " + path + " is not a directory; the folder format reads a directory of images");
          }
          yield new ImageFolderPairReader(path, options);
        }
        case WEBDATASET -> webDataset(path, options);
      };
    } catch (java.util.zip.ZipException e) {
      throw new ConfigurationException(
          "memory source " + path + " ends in .gz but is not gzip-compressed data (" + e.getMessage() + "); compress it with"
              + " gzip, or remove the .gz from its name", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open memory source " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads WebDataset shards in the given order. */
  public static PairReader webDataset(List<Path> shards, ReadOptions options) {
    if (shards.isEmpty()) {
      throw new ConfigurationException("no tar shards given");
    }
    long total = 0;
    for (Path s : shards) {
      requireFile(s, MemoryFormat.WEBDATASET);
      try {
        total += Files.size(s);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read shard " + s + ": " + e.getMessage(), e);
      }
    }
    String source = shards.size() == 1 ? shards.get(0).toString() : shards.get(0) + " and " + (shards.size() - 1) + " more shards";
    return new WebDatasetPairReader(source, shards, total, options);
  }

  /**
   * Reads JSONL from a stream (not closed until the reader is).
   *
   * @param sourceName name used in messages
   * @param baseDir directory that relative image paths are resolved against, or null to keep them relative
   */
  public static PairReader jsonl(InputStream in, String sourceName, Path baseDir, ReadOptions options) {
    try {
      return new JsonlPairReader(sourceName, new LineReader(in, false), baseDir, -1, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads TSV from a stream (not closed until the reader is); see {@link #jsonl(InputStream, String, Path, ReadOptions)}. */
  public static PairReader tsv(InputStream in, String sourceName, Path baseDir, ReadOptions options) {
    try {
      return new TsvPairReader(sourceName, new LineReader(in, false), baseDir, -1, options);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static PairReader webDataset(Path path, ReadOptions options) throws IOException {
    if (!Files.isDirectory(path)) {
      return webDataset(List.of(path), options);
    }
    List<Path> shards = new ArrayList<>();
    try (Stream<Path> s = Files.list(path)) {
      s.filter(p -> MemoryFormat.lowerName(p).endsWith(".tar") && Files.isRegularFile(p)).sorted().forEach(shards::add);
    }
    if (shards.isEmpty()) {
      throw new ConfigurationException("directory " + path + " holds no .tar shards");
    }
    return webDataset(shards, options);
  }

  private static Path requireFile(Path p, MemoryFormat format) {
    if (!Files.isRegularFile(p)) {
      throw new ConfigurationException(
          "memory source " + p + " is not a regular file; the " + format.name().toLowerCase(java.util.Locale.ROOT) + " format reads a file");
    }
    if (!Files.isReadable(p)) {
      throw new ConfigurationException("memory source " + p + " is not readable; check its permissions");
    }
    return p;
  }

  private static Path baseDir(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? null : parent.normalize();
  }
}
