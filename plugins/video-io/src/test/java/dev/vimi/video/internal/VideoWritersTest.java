package dev.vimi.video.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.ProviderLookup;
import dev.vimi.spi.VideoWriter;
import dev.vimi.spi.VideoWriterProvider;
import dev.vimi.video.ContactSheet;
import dev.vimi.video.VideoWriters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoWritersTest {
  @TempDir Path dir;

  /** A second provider claiming .mp4, to exercise the choice between providers. */
  public static final class PreferredMp4 implements VideoWriterProvider {
    private final int priority;

    public PreferredMp4() {
      this(1);
    }

    PreferredMp4(int priority) {
      this.priority = priority;
    }

    @Override
    public String name() {
      return "mp4";
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public List<String> extensions() {
      return List.of("mp4");
    }

    @Override
    public VideoWriter create(ProviderConfig config) {
      return new GifWriter(0);
    }
  }

  @Test
  void serviceLoaderFindsTheThreeWriters() {
    assertThat(VideoWriters.providers()).extracting(VideoWriterProvider::name).contains("mp4", "gif", "png");
    assertThat(VideoWriters.provider("gif")).isInstanceOf(GifWriterProvider.class);
  }

  @Test
  void writersAreChosenByExtension() throws Exception {
    assertThat(VideoWriters.forPath(Path.of("a/b/clip.mp4"))).isInstanceOf(Mp4Writer.class);
    assertThat(VideoWriters.forPath(Path.of("CLIP.GIF"))).isInstanceOf(GifWriter.class);
    assertThat(VideoWriters.forPath(Path.of("out/frames"))).isInstanceOf(PngFramesWriter.class);
    Path dotted = Files.createDirectory(dir.resolve("run.2024"));
    assertThat(VideoWriters.forPath(dotted)).as("an existing folder").isInstanceOf(PngFramesWriter.class);
  }

  @Test
  void configurationReachesTheWriter() {
    assertThatThrownBy(() -> VideoWriters.forPath(Path.of("x.mp4"), ProviderConfig.of("video writer mp4", java.util.Map.of("qp", "99"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("video writer mp4")
        .hasMessageContaining("qp");
  }

  @Test
  void unknownExtensionListsTheKnownOnes() {
    assertThatThrownBy(() -> VideoWriters.forPath(Path.of("clip.avi")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("'.avi'")
        .hasMessageContaining("known extensions: .gif, .mp4")
        .hasMessageContaining("folder path without extension");
    assertThatThrownBy(() -> VideoWriters.forPath(Path.of("still.png")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("one picture")
        .hasMessageContaining("ContactSheet");
  }

  @Test
  void unknownNameListsThePresentOnes() {
    assertThatThrownBy(() -> VideoWriters.provider("avi"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'avi'")
        .hasMessageContaining("gif, mp4, png");
  }

  @Test
  void higherPriorityWinsAndATieIsAnError() {
    List<VideoWriterProvider> two = List.of(new Mp4WriterProvider(), new PreferredMp4());
    assertThat(VideoWriters.providerFor(Path.of("x.mp4"), two)).isInstanceOf(PreferredMp4.class);
    assertThat(VideoWriters.provider("mp4", two)).isInstanceOf(PreferredMp4.class);
    List<VideoWriterProvider> tie = List.of(new Mp4WriterProvider(), new PreferredMp4(0));
    assertThatThrownBy(() -> VideoWriters.providerFor(Path.of("x.mp4"), tie))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(Mp4WriterProvider.class.getName())
        .hasMessageContaining(PreferredMp4.class.getName())
        .hasMessageContaining("same priority");
  }

  @Test
  void noFolderWriterMeansAFolderPathIsAnError() {
    assertThatThrownBy(() -> VideoWriters.providerFor(Path.of("frames"), List.of(new Mp4WriterProvider())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no folder writer")
        .hasMessageContaining(".mp4");
  }

  @Test
  void targetsAreCheckedWithoutWriting() throws Exception {
    assertThat(VideoWriters.checkTarget(dir.resolve("a.mp4"))).isInstanceOf(Mp4WriterProvider.class);
    assertThat(VideoWriters.checkTarget(dir.resolve("frames"))).isInstanceOf(PngFramesWriterProvider.class);
    assertThatThrownBy(() -> VideoWriters.checkTarget(dir.resolve("missing").resolve("a.gif")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> VideoWriters.checkTarget(dir.resolve("a.webm")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("known extensions");
    Path folder = Files.createDirectory(dir.resolve("clip.mp4"));
    assertThatThrownBy(() -> VideoWriters.checkTarget(folder))
        .as("a folder named like a video file is not written into")
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a folder");
    Path file = Files.writeString(dir.resolve("frames2"), "x");
    assertThatThrownBy(() -> VideoWriters.checkTarget(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a folder");
    assertThatThrownBy(() -> ContactSheet.checkTarget(dir.resolve("sheet.gif"))).isInstanceOf(InvalidInputException.class);
    ContactSheet.checkTarget(dir.resolve("sheet.png"));
    try (var s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("clip.mp4", "frames2");
    }
  }

  @Test
  void extensionParsing() {
    assertThat(ProviderLookup.extension("a.MP4")).isEqualTo("mp4");
    assertThat(ProviderLookup.extension(".hidden")).isEmpty();
    assertThat(ProviderLookup.extension("trailing.")).isEmpty();
    assertThat(ProviderLookup.extension("archive.tar.gz")).isEqualTo("gz");
  }
}
