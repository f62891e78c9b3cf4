package dev.vimi.api.model;

import dev.vimi.api.ModelSpec;
import dev.vimi.api.StageSpec;
import dev.vimi.spi.GraphSpec;
import dev.vimi.spi.VimiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model bundle: a folder, or a folder inside a jar on the class path, holding a {@code
 * vimi-model.json} manifest and the files it names (exported graphs, tokenizer files, ...).
 *
 * <p>Loading validates the whole manifest before anything else happens, and certainly before any
 * native library starts: schema version, stages and their geometry, fps, steps, output kind,
 * sigma_data and the sigma range, rho, default guidance, the low-res resize mode of later stages,
 * the conditioning shape, every graph's file, ordered inputs (name and role), output name, dynamic
 * batch flag and precision, and the encoder section. Then it checks the sha256 of every file listed
 * under {@code files}, and refuses paths that leave the bundle ({@code ..}, absolute paths, symbolic
 * links that resolve outside the folder). Every error is a {@link ModelBundleException} whose message
 * names the file and the JSON field, for example:
 *
 * <pre>
 * /models/vimi/vimi-model.json: stages[1].graphs.onnx.inputs[2].role: unknown role 'foo'; expected one of ...
 * /models/vimi/base.onnx: sha256 mismatch: files["base.onnx"] says 3f2a... but the file hashes to 9c01...
 * </pre>
 *
 * <p>The manifest format is documented with a full example in {@code models/README.md}; {@link
 * BundleChecksums} computes the {@code files} entries for bundle authors.
 *
 * <p>A bundle loaded from the class path is copied (and checked while copying) into a private
 * temporary folder, because inference engines open graphs by file name; {@link #close()} deletes that
 * copy. A bundle loaded from a folder uses the folder in place and {@link #close()} does nothing to
 * it. Loading reads every file once to hash it, so it blocks in proportion to the bundle's size.
 *
 * <p><b>Thread-safety.</b> Immutable after loading; safe to share. {@link #close()} is idempotent;
 * the {@link ModelSpec} must not be used to load graphs after the bundle that made it is closed.
 */
public final class ModelBundle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBundle.class);

  /** The manifest's file name. */
  public static final String MANIFEST = "vimi-model.json";

  /** The manifest schema version this release reads. */
  public static final int SCHEMA_VERSION = ManifestReader.SCHEMA_VERSION;

  private final ModelSpec spec;
  private final SortedMap<String, String> checksums;
  private final Path extracted;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ModelBundle(ModelSpec spec, SortedMap<String, String> checksums, Path extracted) {
    this.spec = spec;
    this.checksums = checksums;
    this.extracted = extracted;
  }

  /**
   * Loads the bundle in {@code folder}.
   *
   * @throws ModelBundleException if the folder, the manifest or any file does not check out
   */
  public static ModelBundle load(Path folder) {
    Objects.requireNonNull(folder, "folder");
    if (!Files.isDirectory(folder)) {
      throw new ModelBundleException(
          folder.toString(), null, "not a folder; a model bundle is a folder holding " + MANIFEST + " and its files");
    }
    Path root;
    try {
      root = folder.toRealPath();
    } catch (IOException e) {
      throw new ModelBundleException(folder.toString(), null, "cannot be resolved: " + e.getMessage(), e);
    }
    Path manifestPath = root.resolve(MANIFEST);
    String source = manifestPath.toString();
    if (!Files.isRegularFile(manifestPath)) {
      throw new ModelBundleException(
          source, null, "not found; a model bundle folder must hold " + MANIFEST + " (see models/README.md)");
    }
    ManifestReader.Manifest m;
    try (InputStream in = Files.newInputStream(manifestPath)) {
      m = ManifestReader.read(source, in);
    } catch (IOException e) {
      throw new ModelBundleException(source, null, "cannot be read: " + e.getMessage(), e);
    }
    Map<String, Path> resolved = new LinkedHashMap<>();
    for (Map.Entry<String, String> f : m.files().entrySet()) {
      String rel = f.getKey();
      String field = "files[\"" + rel + "\"]";
      Path file = BundlePaths.resolveInside(root, rel, root.resolve(rel).toString(), source, field);
      String actual;
      try {
        actual = BundleChecksums.sha256(file);
      } catch (IOException e) {
        throw new ModelBundleException(file.toString(), null, "cannot be read: " + e.getMessage(), e);
      }
      checkDigest(root.resolve(rel).toString(), field, f.getValue(), actual);
      resolved.put(rel, file);
    }
    ModelSpec spec = build(source, m, root, resolved);
    LOG.info("Loaded model bundle '{}' from {} ({} stages, {} files checked)", m.name(), root, spec.stages().size(), resolved.size());
    return new ModelBundle(spec, m.files(), null);
  }

  /**
   * Loads the bundle stored under {@code resourceFolder} in the class path of {@code loader} (for
   * example {@code "models/vimi-small"} inside a jar), copying it into a private temporary folder
   * that {@link #close()} deletes.
   *
   * <p>On the module path, resources inside a named module are only visible if the folder is not a
   * package name: use a folder name with a dash ({@code models/vimi-small}) or a top-level folder
   * that is not a Java identifier, or open the package.
   *
   * @throws ModelBundleException if the manifest or any file does not check out
   */
  public static ModelBundle loadResource(ClassLoader loader, String resourceFolder) {
    return loadResource(loader, resourceFolder, null);
  }

  /**
   * As {@link #loadResource(ClassLoader, String)}, unpacking into a new folder under {@code workDir}
   * (for example a disk with room for a large model) instead of the system's temporary folder.
   *
   * @param workDir an existing folder, or null for the system's temporary folder
   */
  public static ModelBundle loadResource(ClassLoader loader, String resourceFolder, Path workDir) {
    Objects.requireNonNull(loader, "loader");
    Objects.requireNonNull(resourceFolder, "resourceFolder");
    String folder = resourceFolder;
    while (folder.startsWith("/")) {
      folder = folder.substring(1);
    }
    while (folder.endsWith("/")) {
      folder = folder.substring(0, folder.length() - 1);
    }
    String prefix = folder.isEmpty() ? "" : folder + "/";
    String source = "classpath:" + prefix + MANIFEST;
    if (!folder.isEmpty()) {
      BundlePaths.checkRelative("classpath:" + resourceFolder, null, folder);
    }
    ManifestReader.Manifest m;
    byte[] manifestBytes;
    try (InputStream in = loader.getResourceAsStream(prefix + MANIFEST)) {
      if (in == null) {
        throw new ModelBundleException(
            source, null, "not found on the class path; put the bundle folder into a jar or resources folder "
                + "(on the module path: in a folder that is not a package name)");
      }
      manifestBytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ModelBundleException(source, null, "cannot be read: " + e.getMessage(), e);
    }
    m = ManifestReader.read(source, new java.io.ByteArrayInputStream(manifestBytes));

    Path tmp;
    try {
      tmp =
          (workDir == null
                  ? Files.createTempDirectory("vimi-bundle-")
                  : Files.createTempDirectory(workDir, "vimi-bundle-"))
              .toRealPath();
    } catch (IOException e) {
      throw new VimiException("cannot create a temporary folder to unpack model bundle " + source + ": " + e.getMessage(), e);
    }
    try {
      try {
        Files.write(tmp.resolve(MANIFEST), manifestBytes);
      } catch (IOException e) {
        throw new VimiException("cannot write to the temporary folder " + tmp + ": " + e.getMessage(), e);
      }
      Map<String, Path> resolved = new LinkedHashMap<>();
      for (Map.Entry<String, String> f : m.files().entrySet()) {
        String rel = f.getKey();
        String display = "classpath:" + prefix + rel;
        String field = "files[\"" + rel + "\"]";
        Path target = tmp.resolve(rel);
        if (!target.normalize().startsWith(tmp)) {
          throw new ModelBundleException(source, field, "path '" + rel + "' leaves the bundle folder");
        }
        String actual;
        try (InputStream in = loader.getResourceAsStream(prefix + rel)) {
          if (in == null) {
            throw new ModelBundleException(
                display, null, "missing: the manifest lists it (" + field + ") but the class path has no such resource");
          }
          Files.createDirectories(target.getParent());
          MessageDigest md = BundleChecksums.newDigest();
          try (DigestInputStream din = new DigestInputStream(in, md);
              OutputStream out = Files.newOutputStream(target)) {
            din.transferTo(out);
          }
          actual = HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
          throw new ModelBundleException(display, null, "cannot be copied out of the class path: " + e.getMessage(), e);
        }
        checkDigest(display, field, f.getValue(), actual);
        resolved.put(rel, target);
      }
      ModelSpec spec = build(source, m, tmp, resolved);
      LOG.info("Loaded model bundle '{}' from {} into {} ({} files checked)", m.name(), source, tmp, resolved.size());
      return new ModelBundle(spec, m.files(), tmp);
    } catch (RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static void checkDigest(String display, String field, String expected, String actual) {
    if (!expected.equalsIgnoreCase(actual)) {
      throw new ModelBundleException(
          display,
          null,
          "sha256 mismatch: " + field + " in the manifest says " + expected + " but the file hashes to " + actual
              + "; the file is truncated, corrupted or was swapped. Restore the file, or if the new file is "
              + "intended, update the entry (BundleChecksums computes it)");
    }
  }

  private static ModelSpec build(String source, ManifestReader.Manifest m, Path root, Map<String, Path> resolved) {
    List<StageSpec> stages = new ArrayList<>();
    for (int i = 0; i < m.stages().size(); i++) {
      ManifestReader.Stage s = m.stages().get(i);
      Map<String, GraphSpec> graphs = new LinkedHashMap<>();
      for (Map.Entry<String, ManifestReader.Graph> e : s.graphs().entrySet()) {
        ManifestReader.Graph g = e.getValue();
        Path file = resolved.get(g.file());
        try {
          graphs.put(e.getKey(), new GraphSpec(file, g.inputs(), g.output(), g.dynamicBatch(), g.precision()));
        } catch (VimiException ex) {
          throw new ModelBundleException(source, "stages[" + i + "].graphs." + e.getKey(), ex.getMessage(), ex);
        }
      }
      try {
        stages.add(ManifestReader.toSpec(s, graphs));
      } catch (VimiException ex) {
        throw new ModelBundleException(source, "stages[" + i + "]", ex.getMessage(), ex);
      }
    }
    try {
      return new ModelSpec(m.name(), root, stages, m.encoder());
    } catch (VimiException ex) {
      throw new ModelBundleException(source, "stages", ex.getMessage(), ex);
    }
  }

  /** The model this bundle describes; graph files point into {@link #directory()}. */
  public ModelSpec spec() {
    return spec;
  }

  /** The bundle's name from the manifest. */
  public String name() {
    return spec.name();
  }

  /**
   * The folder the bundle's files are read from: the folder itself, or the private copy of a class
   * path bundle.
   */
  public Path directory() {
    return spec.directory();
  }

  /** The checked files: path relative to the bundle folder to lower-case hex sha256. */
  public SortedMap<String, String> checksums() {
    return checksums;
  }

  /** The stage named {@code name}. */
  public StageSpec stage(String name) {
    return spec.stages().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new dev.vimi.spi.InvalidInputException(
                    "stage",
                    "model '" + spec.name() + "' has no stage '" + name + "'; it has "
                        + spec.stages().stream().map(StageSpec::name).toList()));
  }

  /** Deletes the private copy of a class path bundle; does nothing for a folder bundle. Idempotent. */
  @Override
  public void close() {
    if (extracted != null && closed.compareAndSet(false, true)) {
      deleteTree(extracted);
    }
  }

  @Override
  public String toString() {
    return "ModelBundle[" + spec.name() + " at " + spec.directory() + "]";
  }

  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete the unpacked model bundle copy {}: {}", dir, e.toString());
    }
  }
}
