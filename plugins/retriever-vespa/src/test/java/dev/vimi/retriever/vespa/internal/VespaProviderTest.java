package dev.vimi.retriever.vespa.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.retriever.vespa.VespaApplicationPackage;
import dev.vimi.spi.RetrieverProvider;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider is found by name, and the application package it ships matches what the code sends. */
class VespaProviderTest {

  @Test
  void foundByServiceLoaderUnderItsName() {
    List<String> names = new ArrayList<>();
    ServiceLoader.load(RetrieverProvider.class).forEach(p -> names.add(p.name()));
    assertThat(names).contains("vespa");
    VespaRetrieverProvider p = new VespaRetrieverProvider();
    assertThat(p.selfTest(Path.of("/tmp"))).as("needs a cluster the runner cannot create").isEmpty();
  }

  @Test
  void theSchemaDeclaresWhatTheQueriesAndDocumentsUse() {
    String sd = VespaApplicationPackage.read("schemas/vimi_pair.sd");
    assertThat(sd).contains("schema vimi_pair {", "document vimi_pair {", "rank-profile bm25 {", "fieldset default {");
    assertThat(sd).containsPattern("field caption type string \\{\\s+indexing: summary \\| index\\s+index: enable-bm25");
    assertThat(sd).containsPattern("field keywords type array<string> \\{\\s+indexing: summary \\| index\\s+index: enable-bm25");
    assertThat(sd).containsPattern("field pair_id type string \\{\\s+indexing: summary \\| attribute\\s+attribute: fast-search\\s+match: cased");
    assertThat(sd).containsPattern("field image_ref type string \\{\\s+indexing: summary \\| attribute");
    assertThat(sd).containsPattern("field image_bytes type raw \\{\\s+indexing: summary");
    assertThat(sd).contains("expression: bm25(caption) + bm25(keywords)");
    for (String f :
        List.of(
            VespaApplicationPackage.FIELD_ID,
            VespaApplicationPackage.FIELD_CAPTION,
            VespaApplicationPackage.FIELD_KEYWORDS,
            VespaApplicationPackage.FIELD_IMAGE_KIND,
            VespaApplicationPackage.FIELD_IMAGE_REF,
            VespaApplicationPackage.FIELD_IMAGE_BYTES)) {
      assertThat(sd).as("schema field %s", f).contains("field " + f + " type ");
    }
    String services = VespaApplicationPackage.read("services.xml");
    assertThat(services).contains("<search/>", "<document-api/>", "<document type=\"vimi_pair\" mode=\"index\"/>");
    assertThat(VespaApplicationPackage.read("search/query-profiles/default.xml")).contains("<field name=\"maxHits\">10000</field>");
  }

  @Test
  void writesTheFolderForTheCliAndTheZipForTheDeployApi(@TempDir Path dir) throws Exception {
    List<Path> written = VespaApplicationPackage.writeTo(dir.resolve("app"));
    assertThat(written).hasSize(3).allSatisfy(p -> assertThat(p).isRegularFile());
    assertThat(Files.readString(dir.resolve("app/schemas/vimi_pair.sd"))).isEqualTo(VespaApplicationPackage.read("schemas/vimi_pair.sd"));
    List<String> entries = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(VespaApplicationPackage.zip()))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        entries.add(e.getName());
        assertThat(new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(VespaApplicationPackage.read(e.getName()));
      }
    }
    assertThat(entries).containsExactlyElementsOf(VespaApplicationPackage.FILES);
  }
}
