package dev.vimi.api.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For bundle authors: computes the {@code files} section of a {@code vimi-model.json}, the sha256
 * of every graph file the stages name, of every file the section already lists, and of any extra
 * files given (tokenizer files, ...), and can write it back into the manifest.
 *
 * <pre>
 * java -cp vimi-api.jar:vimi-spi.jar:jackson-*.jar:slf4j-*.jar \
 *     dev.vimi.api.model.BundleChecksums path/to/bundle [extra/file ...]
 * </pre>
 *
 * rewrites {@code path/to/bundle/vimi-model.json} in place with the computed {@code files}
 * section and logs each entry. Only the {@code files} section changes; the other fields keep their
 * order. Paths are checked as {@link ModelBundle} checks them (inside the folder, no {@code ..}).
 *
 * <p>Stateless and thread-safe; the methods block while they read the files.
 */
public final class BundleChecksums {
  private static final Logger LOG = LoggerFactory.getLogger(BundleChecksums.class);
  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private BundleChecksums() {}

  /** The lower-case hex sha256 of a file. */
  public static String sha256(Path file) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  /**
   * Computes the {@code files} entries of the bundle in {@code folder}: every graph file its stages
   * name, every file its {@code files} section already lists, and {@code extraFiles} (relative to the
   * folder). The manifest needs to be valid JSON but not yet complete.
   *
   * @return relative path to lower-case hex sha256, sorted by path
   * @throws ModelBundleException if the manifest is not JSON, or a path leaves the folder or is missing
   */
  public static SortedMap<String, String> compute(Path folder, Collection<String> extraFiles) throws IOException {
    Path root = folder.toRealPath();
    Path manifestPath = root.resolve(ModelBundle.MANIFEST);
    JsonNode manifest = readManifest(manifestPath);
    TreeSet<String> names = new TreeSet<>(extraFiles);
    JsonNode files = manifest.get("files");
    if (files != null && files.isObject()) {
      files.fieldNames().forEachRemaining(names::add);
    }
    JsonNode stages = manifest.get("stages");
    if (stages != null && stages.isArray()) {
      for (JsonNode stage : stages) {
        JsonNode graphs = stage.get("graphs");
        if (graphs != null && graphs.isObject()) {
          for (Iterator<JsonNode> it = graphs.elements(); it.hasNext(); ) {
            JsonNode file = it.next().get("file");
            if (file != null && file.isTextual()) {
              names.add(file.textValue());
            }
          }
        }
      }
    }
    SortedMap<String, String> out = new TreeMap<>();
    String source = manifestPath.toString();
    for (String rel : names) {
      String field = "files[\"" + rel + "\"]";
      BundlePaths.checkRelative(source, field, rel);
      Path file = BundlePaths.resolveInside(root, rel, root.resolve(rel).toString(), source, field);
      out.put(rel, sha256(file));
    }
    return out;
  }

  /**
   * Computes the entries as {@link #compute} does and writes them as the manifest's {@code files}
   * section, replacing the old one.
   *
   * @return the entries written
   */
  public static SortedMap<String, String> update(Path folder, Collection<String> extraFiles) throws IOException {
    SortedMap<String, String> sums = compute(folder, extraFiles);
    Path manifestPath = folder.toRealPath().resolve(ModelBundle.MANIFEST);
    ObjectNode manifest = (ObjectNode) readManifest(manifestPath);
    ObjectNode files = MAPPER.createObjectNode();
    sums.forEach(files::put);
    manifest.set("files", files);
    String json = MAPPER.writeValueAsString(manifest) + "\n";
    Path tmp = Files.createTempFile(manifestPath.getParent(), ".vimi-model", ".tmp");
    try {
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      Files.move(tmp, manifestPath, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    for (Map.Entry<String, String> e : sums.entrySet()) {
      LOG.info("{}  {}", e.getValue(), e.getKey());
    }
    return sums;
  }

  private static JsonNode readManifest(Path manifestPath) throws IOException {
    if (!Files.isRegularFile(manifestPath)) {
      throw new ModelBundleException(manifestPath.toString(), null, "not found; write the manifest first");
    }
    JsonNode node;
    try (InputStream in = Files.newInputStream(manifestPath)) {
      node = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new ModelBundleException(manifestPath.toString(), null, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new ModelBundleException(manifestPath.toString(), null, "must hold a JSON object");
    }
    return node;
  }

  /**
   * Command line: {@code BundleChecksums <bundle-folder> [extra-file ...]} rewrites the folder's
   * manifest with the computed {@code files} section. Logs the entries; prints nothing.
   */
  public static void main(String... args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: BundleChecksums <bundle-folder> [extra-file ...]");
    }
    update(Path.of(args[0]), List.of(args).subList(1, args.length));
  }
}
