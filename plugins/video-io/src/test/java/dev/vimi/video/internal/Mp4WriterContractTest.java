package dev.vimi.video.internal;

import dev.vimi.compat.VideoWriterContractSuite;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;

/** The shared video-writer contract, run against the {@code "mp4"} writer. */
class Mp4WriterContractTest extends VideoWriterContractSuite {
  @Override
  protected VideoWriter createWriter() {
    return new Mp4WriterProvider().create(ProviderConfig.empty("video writer mp4"));
  }

  @Override
  protected String fileName() {
    return "video.mp4";
  }
}
