package dev.vimi.api.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Checks that a path named in a manifest stays inside its bundle. Stateless. */
final class BundlePaths {
  private BundlePaths() {}

  /**
   * Lexical check of a manifest path: relative, forward slashes, no empty, {@code .} or {@code ..}
   * segments. Such paths mean the same inside a folder and inside a jar.
   */
  static void checkRelative(String source, String field, String rel) {
    String why = null;
    if (rel.isEmpty()) {
      why = "is empty";
    } else if (rel.indexOf('\0') >= 0) {
      why = "contains a NUL character";
    } else if (rel.indexOf('\\') >= 0) {
      why = "contains a backslash; use forward slashes";
    } else if (rel.startsWith("/") || rel.matches("^[A-Za-z]:.*") || Path.of(rel).isAbsolute()) {
      why = "is absolute; paths are relative to the bundle folder";
    } else {
      for (String seg : rel.split("/", -1)) {
        if (seg.isEmpty() || seg.equals(".")) {
          why = "has an empty or '.' segment; write it as a plain relative path like 'graphs/base.onnx'";
          break;
        }
        if (seg.equals("..")) {
          why = "leaves the bundle folder ('..'); every file must lie inside the bundle";
          break;
        }
      }
    }
    if (why != null) {
      throw new ModelBundleException(source, field, "path '" + rel + "' " + why);
    }
  }

  /**
   * Resolves a lexically checked path against the bundle folder and refuses it if the file is
   * missing, not a regular file, or reached through a symbolic link that leads out of the folder.
   *
   * @param realRoot the bundle folder as {@link Path#toRealPath} returns it
   * @return the real path of the file
   */
  static Path resolveInside(Path realRoot, String rel, String display, String source, String field) {
    Path p = realRoot.resolve(rel);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new ModelBundleException(
          display, null, "missing: the manifest lists it (" + field + ") but the bundle has no such file");
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new ModelBundleException(
          display, null, "cannot be resolved (" + e.getMessage() + "); a symbolic link may point to a missing file", e);
    }
    if (!real.startsWith(realRoot)) {
      throw new ModelBundleException(
          display,
          null,
          "leads out of the bundle folder (it resolves to " + real + "); symbolic links must stay inside "
              + realRoot + ". Copy the file into the bundle instead.");
    }
    if (!Files.isRegularFile(real)) {
      throw new ModelBundleException(display, null, "is not a regular file (" + field + " in " + source + ")");
    }
    return real;
  }
}
