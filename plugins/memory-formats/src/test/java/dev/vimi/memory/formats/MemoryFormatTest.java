package dev.vimi.memory.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryFormatTest {
  @TempDir Path dir;

  @Test
  void detectsFromNamesAndDirectoryContents() throws IOException {
    assertThat(MemoryFormat.detect(Files.writeString(dir.resolve("a.jsonl"), ""))).isEqualTo(MemoryFormat.JSONL);
    assertThat(MemoryFormat.detect(Files.writeString(dir.resolve("a.jsonl.gz"), ""))).isEqualTo(MemoryFormat.JSONL);
    assertThat(MemoryFormat.detect(Files.writeString(dir.resolve("a.TSV"), ""))).isEqualTo(MemoryFormat.TSV);
    assertThat(MemoryFormat.detect(Files.writeString(dir.resolve("a.tar"), ""))).isEqualTo(MemoryFormat.WEBDATASET);
    assertThat(MemoryFormat.detect(dir)).isEqualTo(MemoryFormat.WEBDATASET);
    Path images = Files.createDirectories(dir.resolve("images"));
    assertThat(MemoryFormat.detect(images)).isEqualTo(MemoryFormat.IMAGE_FOLDER);
    assertThatThrownBy(() -> MemoryFormat.detect(Files.writeString(dir.resolve("a.csv"), "")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot tell the format");
    assertThatThrownBy(() -> MemoryFormat.detect(dir.resolve("nope.jsonl")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void parsesUserNames() {
    assertThat(MemoryFormat.parse("JSONL")).isEqualTo(MemoryFormat.JSONL);
    assertThat(MemoryFormat.parse("folder")).isEqualTo(MemoryFormat.IMAGE_FOLDER);
    assertThat(MemoryFormat.parse("tar")).isEqualTo(MemoryFormat.WEBDATASET);
    assertThatThrownBy(() -> MemoryFormat.parse("parquet"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("use one of jsonl, tsv, folder, webdataset");
  }

  @Test
  void imageChecksTellCompleteFromTruncated() {
    for (String format : new String[] {"png", "jpg", "gif", "bmp"}) {
      byte[] img = TestImages.encode(format, 9, 7, 1);
      assertThat(ImageChecks.check(img)).as(format).isEmpty();
      assertThat(ImageChecks.check(Arrays.copyOf(img, img.length - 3))).as(format + " truncated").isPresent();
    }
    byte[] webp = new byte[30];
    System.arraycopy("RIFF".getBytes(), 0, webp, 0, 4);
    webp[4] = 22; // RIFF size = 30 - 8
    System.arraycopy("WEBPVP8 ".getBytes(), 0, webp, 8, 8);
    assertThat(ImageChecks.check(webp)).isEmpty();
    assertThat(ImageChecks.check(Arrays.copyOf(webp, 20))).get().asString().contains("truncated");
    assertThat(ImageChecks.check("hello world".getBytes())).get().asString().contains("not a PNG");
    assertThat(ImageChecks.check(new byte[0])).get().asString().contains("empty");
  }

  @Test
  void optionsRejectNonsense() {
    assertThatThrownBy(() -> ReadOptions.defaults().withMaxCaptionChars(0)).isInstanceOf(ConfigurationException.class);
  }
}
