package dev.vimi.video.internal;

import dev.vimi.compat.VideoWriterContractSuite;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.VideoWriter;

/** The shared video-writer contract, run against the {@code "png"} writer. */
class PngFramesWriterContractTest extends VideoWriterContractSuite {
  @Override
  protected VideoWriter createWriter() {
    return new PngFramesWriterProvider().create(ProviderConfig.empty("video writer png"));
  }

  @Override
  protected String fileName() {
    return "frames";
  }
}
