package dev.vimi.memory.formats;

import dev.vimi.spi.ConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The image-text data set layouts a {@link PairReader} understands. */
public enum MemoryFormat {
  /**
   * One JSON object per line: {@code id} (string or number), {@code caption} (or {@code text}),
   * optional {@code keywords} (array of strings, or one comma-separated string), and an optional
   * image as {@code image} (a path, a URI, a {@code data:} URI, or an object with one of {@code
   * path}, {@code uri}, {@code base64}), or as one of {@code image_path}, {@code image_uri}, {@code
   * image_base64}. Relative paths are resolved against the directory of the file. Blank lines are
   * ignored. Files ending in {@code .gz} are decompressed.
   */
  JSONL,
  /**
   * {@code id<TAB>caption[<TAB>image]} per line, UTF-8, fields taken literally (no quoting or
   * escapes); the image column is read like JSONL's {@code image} string. A first line {@code
   * id<TAB>caption...} is taken as a header and skipped. Files ending in {@code .gz} are decompressed.
   */
  TSV,
  /**
   * A directory tree of images ({@code .png .jpg .jpeg .gif .webp .bmp}), each with a sidecar caption
   * of the same base name: {@code NAME.txt} (the caption) or {@code NAME.json} (an object with {@code
   * caption} or {@code text}, optional {@code keywords} and {@code id}). The id defaults to the
   * relative path without extension, with {@code /} separators. Files are visited in sorted order;
   * images are returned by reference (their path).
   */
  IMAGE_FOLDER,
  /**
   * WebDataset-style tar shards: consecutive entries sharing a key (the entry name up to the first
   * dot of its last path component) form one sample; {@code KEY.jpg/.jpeg/.png/.webp/.gif/.bmp} is
   * the image (returned as inline bytes), {@code KEY.txt} the caption or {@code KEY.json} an object
   * as for folders; other extensions are ignored. The id is {@code json.id} if present, else the key.
   * A path may be one {@code .tar} file or a directory holding {@code .tar} files (read in sorted
   * order).
   */
  WEBDATASET;

  /** Parses a format name as a user types it: {@code jsonl}, {@code tsv}, {@code folder}, {@code webdataset} (or {@code tar}). */
  public static MemoryFormat parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (n) {
      case "jsonl", "json", "ndjson" -> JSONL;
      case "tsv" -> TSV;
      case "folder", "image_folder", "images", "dir" -> IMAGE_FOLDER;
      case "webdataset", "wds", "tar" -> WEBDATASET;
      default ->
          throw new ConfigurationException(
              "unknown memory format '"
                  + name
                  + "'; use one of jsonl, tsv, folder, webdataset (formats: "
                  + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))
                  + ")");
    };
  }

  /**
   * Guesses the format from a path: {@code .jsonl/.json/.ndjson[.gz]} is JSONL, {@code .tsv[.gz]}
   * TSV, {@code .tar} WebDataset; a directory is WebDataset if it holds {@code .tar} files directly,
   * otherwise an image folder.
   *
   * @throws ConfigurationException if the path does not exist or its kind cannot be told
   */
  public static MemoryFormat detect(Path path) {
    if (!Files.exists(path)) {
      throw new ConfigurationException("memory source " + path + " does not exist; check the path");
    }
    if (Files.isDirectory(path)) {
      try (Stream<Path> s = Files.list(path)) {
        boolean tars = s.anyMatch(p -> lowerName(p).endsWith(".tar") && Files.isRegularFile(p));
        return tars ? WEBDATASET : IMAGE_FOLDER;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list directory " + path, e);
      }
    }
    String name = lowerName(path);
    if (name.endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
      return JSONL;
    }
    if (name.endsWith(".tsv")) {
      return TSV;
    }
    if (name.endsWith(".tar")) {
      return WEBDATASET;
    }
    throw new ConfigurationException(
        "cannot tell the format of "
            + path
            + " from its name; name it .jsonl, .tsv or .tar, or give the format explicitly"
            + " (jsonl, tsv, folder, webdataset)");
  }

  static String lowerName(Path p) {
    Path f = p.getFileName();
    return f == null ? "" : f.toString().toLowerCase(Locale.ROOT);
  }
}
