package dev.vimi.retriever.vespa;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Vespa application package the retriever and writer expect, shipped in this jar: {@code
 * services.xml}, {@code schemas/vimi_pair.sd} (caption and keywords indexed with {@code enable-bm25},
 * image reference and bytes as summary fields, a {@code bm25} rank profile) and a default query
 * profile that raises {@code maxHits}. Write it to a folder for {@code vespa deploy}, or zip it for
 * the deploy API ({@code POST /application/v2/tenant/default/prepareandactivate}).
 *
 * <p>Stateless; all methods are thread-safe.
 */
public final class VespaApplicationPackage {

  /** The schema and document type name. */
  public static final String DOCUMENT_TYPE = "vimi_pair";

  /** Files of the package, relative to its root. */
  public static final List<String> FILES =
      List.of("services.xml", "schemas/vimi_pair.sd", "search/query-profiles/default.xml");

  /** Field names of the {@value #DOCUMENT_TYPE} schema, for hosts that query or feed it directly. */
  public static final String FIELD_ID = "pair_id";
  public static final String FIELD_CAPTION = "caption";
  public static final String FIELD_KEYWORDS = "keywords";
  public static final String FIELD_IMAGE_KIND = "image_kind";
  public static final String FIELD_IMAGE_REF = "image_ref";
  public static final String FIELD_IMAGE_BYTES = "image_bytes";

  private VespaApplicationPackage() {}

  /** The content of one package file, e.g. {@code "schemas/vimi_pair.sd"}. */
  public static String read(String file) {
    if (!FILES.contains(file)) {
      throw new IllegalArgumentException("no file '" + file + "' in the vimi application package; files: " + FILES);
    }
    try (InputStream in = VespaApplicationPackage.class.getResourceAsStream("app/" + file)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks its resource app/" + file + "; it is damaged, rebuild it");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes the package into {@code dir} (created if missing), ready for {@code vespa deploy dir}.
   *
   * @return the files written
   */
  public static List<Path> writeTo(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String f : FILES) {
      Path target = dir.resolve(f);
      Files.createDirectories(target.getParent());
      Files.writeString(target, read(f));
      out.add(target);
    }
    return List.copyOf(out);
  }

  /** The package as a zip archive, the body of a deploy API request ({@code Content-Type: application/zip}). */
  public static byte[] zip() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String f : FILES) {
        zip.putNextEntry(new ZipEntry(f));
        zip.write(read(f).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
