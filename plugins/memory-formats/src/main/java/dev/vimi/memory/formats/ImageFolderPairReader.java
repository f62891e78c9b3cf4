package dev.vimi.memory.formats;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link MemoryFormat#IMAGE_FOLDER}. Walks the tree depth-first in sorted order, one directory
 * listing in memory at a time; within a directory, files are grouped by base name (the name up to its
 * last dot). Hidden files (starting with a dot) are ignored.
 */
final class ImageFolderPairReader extends AbstractPairReader {

  /** The files of one base name in one directory. */
  private record Group(Path dir, String base, List<Path> images, Path txt, Path json) {}

  private final Path root;
  private final Deque<Path> dirs = new ArrayDeque<>();
  private Iterator<Group> groups = List.<Group>of().iterator();
  private String location = "start";
  private long bytesRead;
  private final JsonPairs json = new JsonPairs();

  ImageFolderPairReader(Path root, ReadOptions options) {
    super(root.toString(), MemoryFormat.IMAGE_FOLDER, options);
    this.root = root;
    dirs.push(root);
  }

  @Override
  protected ImageTextPair readNext() throws IOException {
    while (!groups.hasNext()) {
      if (dirs.isEmpty()) {
        return null;
      }
      groups = list(dirs.pop());
    }
    Group g = groups.next();
    Path anchor = g.images().isEmpty() ? (g.json() != null ? g.json() : g.txt()) : g.images().get(0);
    location = "file " + root.relativize(anchor);
    if (g.images().isEmpty()) {
      throw new RecordProblem(
          SkipReason.CAPTION_WITHOUT_IMAGE, "caption file " + anchor.getFileName() + " has no image of the same name");
    }
    if (g.images().size() > 1) {
      throw new RecordProblem(
          SkipReason.MALFORMED_RECORD,
          "several images share the base name '" + g.base() + "': " + names(g.images()) + "; give each its own name");
    }
    Path image = g.images().get(0);
    String rel = root.relativize(g.dir().resolve(g.base())).toString().replace('\\', '/');
    String defaultId = Records.id(rel);
    ImageRef ref = ImageRef.of(image.toAbsolutePath().normalize());
    if (g.json() != null) {
      String text = Records.utf8(Files.readAllBytes(g.json()), "caption file " + g.json().getFileName());
      bytesRead += text.length();
      return JsonPairs.sidecarPair(json.parseObject(text), defaultId, ref, options);
    }
    if (g.txt() != null) {
      String text = Records.utf8(Files.readAllBytes(g.txt()), "caption file " + g.txt().getFileName());
      bytesRead += text.length();
      String caption = Records.caption(text, defaultId, options);
      return new ImageTextPair(defaultId, caption, List.of(), Records.verified(ref, defaultId, options));
    }
    throw new RecordProblem(
        SkipReason.IMAGE_WITHOUT_CAPTION,
        "image " + image.getFileName() + " has no caption file " + g.base() + ".txt or " + g.base() + ".json");
  }

  /** Lists one directory: pushes its subdirectories (so that they come in sorted order) and groups its files. */
  private Iterator<Group> list(Path dir) throws IOException {
    TreeMap<String, List<Path>> byBase = new TreeMap<>();
    List<Path> subdirs = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          subdirs.add(p);
          continue;
        }
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
          continue;
        }
        String ext = name.substring(dot + 1).toLowerCase(Locale.ROOT);
        if (ImageChecks.isImageExtension(ext) || ext.equals("txt") || ext.equals("json")) {
          byBase.computeIfAbsent(name.substring(0, dot), k -> new ArrayList<>()).add(p);
        }
      }
    }
    subdirs.sort(null);
    for (int i = subdirs.size() - 1; i >= 0; i--) {
      dirs.push(subdirs.get(i));
    }
    List<Group> out = new ArrayList<>(byBase.size());
    for (Map.Entry<String, List<Path>> e : byBase.entrySet()) {
      List<Path> images = new ArrayList<>();
      Path txt = null;
      Path jsonFile = null;
      e.getValue().sort(null);
      for (Path p : e.getValue()) {
        String name = p.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        if (ext.equals("txt")) {
          txt = p;
        } else if (ext.equals("json")) {
          jsonFile = p;
        } else {
          images.add(p);
        }
      }
      out.add(new Group(dir, e.getKey(), images, txt, jsonFile));
    }
    return out.iterator();
  }

  private static String names(List<Path> paths) {
    List<String> n = new ArrayList<>();
    for (Path p : paths) {
      n.add(p.getFileName().toString());
    }
    return String.join(", ", n);
  }

  @Override
  protected String location() {
    return location;
  }

  @Override
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public long totalBytes() {
    return -1;
  }

  @Override
  protected void closeInput() {
    dirs.clear();
  }
}
