package dev.vimi.video.internal;

import dev.vimi.compat.ProviderContractSuite;
import dev.vimi.spi.NamedProvider;
import org.junit.jupiter.api.Nested;

/** The video writers keep the promises of every provider: their names, cheap construction, unknown keys refused. */
class VideoWriterProvidersContractTest {
  @Nested
  class Mp4 extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new Mp4WriterProvider();
    }
  }

  @Nested
  class Gif extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new GifWriterProvider();
    }
  }

  @Nested
  class PngFrames extends ProviderContractSuite {
    @Override
    protected NamedProvider createProvider() {
      return new PngFramesWriterProvider();
    }
  }
}
