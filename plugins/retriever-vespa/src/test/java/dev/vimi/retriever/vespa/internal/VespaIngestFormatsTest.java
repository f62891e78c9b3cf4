package dev.vimi.retriever.vespa.internal;

import static dev.vimi.retriever.vespa.internal.VespaTestSupport.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.memory.formats.IngestJob;
import dev.vimi.memory.formats.MalformedPolicy;
import dev.vimi.memory.formats.PairReader;
import dev.vimi.memory.formats.PairReaders;
import dev.vimi.memory.formats.ReadOptions;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input formats of the Lucene memory, read by the shared readers of {@code memory-formats}, fed
 * into Vespa: images by reference stay references, inline images travel as bytes (raw field).
 */
class VespaIngestFormatsTest {
  @TempDir Path dir;
  private FakeVespa fake;
  private final VespaRetrieverProvider provider = new VespaRetrieverProvider();

  @BeforeEach
  void start() throws Exception {
    fake = FakeVespa.start();
  }

  @AfterEach
  void stop() throws Exception {
    fake.close();
  }

  private static byte[] png(int rgb) throws Exception {
    BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
    img.setRGB(1, 1, rgb);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private long ingest(Path source) {
    try (PairReader reader = PairReaders.open(source, ReadOptions.defaults());
        VespaMemoryWriter w = (VespaMemoryWriter) provider.openWriter(config(fake))) {
      // as `vimi memory ingest` does: one thread reads, two add concurrently, the job commits
      IngestJob.of(2, MalformedPolicy.FAIL, null).run(reader, w);
      assertThat(w.feedReport().failed()).isEmpty();
      return w.feedReport().landed();
    }
  }

  @Test
  void jsonlWithPathUriAndInlineImages() throws Exception {
    byte[] inline = png(0xff0000);
    Files.write(dir.resolve("cat.png"), png(0x00ff00));
    String jsonl =
        "{\"id\": \"j1\", \"caption\": \"a cat on a sofa\", \"keywords\": [\"cat\", \"pet\"], \"image\": \"cat.png\"}\n"
            + "{\"id\": \"j2\", \"caption\": \"a lighthouse at dusk\", \"image_uri\": \"https://example.org/lh.jpg\"}\n"
            + "{\"id\": \"j3\", \"caption\": \"a red square\", \"image_base64\": \"" + Base64.getEncoder().encodeToString(inline) + "\"}\n"
            + "{\"id\": 4, \"caption\": \"words without a picture\", \"keywords\": \"text, only\"}\n";
    Path file = Files.writeString(dir.resolve("pairs.jsonl"), jsonl);
    assertThat(ingest(file)).isEqualTo(4);
    try (Retriever r = provider.open(config(fake))) {
      RetrievedItem cat = top(r, "cat");
      assertThat(cat.id()).isEqualTo("j1");
      assertThat(cat.image()).isEqualTo(ImageRef.of(dir.resolve("cat.png")));
      assertThat(top(r, "lighthouse").image()).isEqualTo(ImageRef.of(java.net.URI.create("https://example.org/lh.jpg")));
      assertThat(top(r, "square").image()).isEqualTo(ImageRef.ofBytes(inline));
      RetrievedItem text = top(r, "only");
      assertThat(text.id()).isEqualTo("4");
      assertThat(text.image()).isNull();
    }
    assertThat(fake.document("j1").get("keywords").toString()).isEqualTo("[\"cat\",\"pet\"]");
  }

  @Test
  void aFolderOfImagesWithSidecarCaptions() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("folder/sub"));
    Files.write(folder.resolve("owl.png"), png(0x123456));
    Files.writeString(folder.resolve("owl.txt"), "an owl in the night");
    Files.write(dir.resolve("folder/kite.png"), png(0x654321));
    Files.writeString(dir.resolve("folder/kite.txt"), "a kite over the beach");
    assertThat(ingest(dir.resolve("folder"))).isEqualTo(2);
    try (Retriever r = provider.open(config(fake))) {
      RetrievedItem owl = top(r, "owl");
      assertThat(owl.id()).isEqualTo("sub/owl");
      assertThat(owl.image()).isEqualTo(ImageRef.of(folder.resolve("owl.png")));
      assertThat(r.stats().pairs()).isEqualTo(2);
    }
  }

  private static RetrievedItem top(Retriever r, String text) {
    List<RetrievedItem> hits = r.retrieve(new RetrievalQuery(text, 1));
    assertThat(hits).as("hits for %s", text).hasSize(1);
    return hits.get(0);
  }
}
