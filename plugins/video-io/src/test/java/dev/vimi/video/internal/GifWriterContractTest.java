package dev.vimi.video.internal;

import dev.vimi.compat.VideoWriterContractSuite;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;

/** The shared video-writer contract, run against the {@code "gif"} writer. */
class GifWriterContractTest extends VideoWriterContractSuite {
  @Override
  protected VideoWriter createWriter() {
    return new GifWriterProvider().create(ProviderConfig.empty("video writer gif"));
  }

  @Override
  protected String fileName() {
    return "video.gif";
  }
}
