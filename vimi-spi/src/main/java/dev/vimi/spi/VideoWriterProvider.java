package dev.vimi.spi;

import java.util.List;

/** Service interface for video writers, found by name ({@code "mp4"}) or by file extension. */
public interface VideoWriterProvider extends NamedProvider {

  /** File extensions (lower case, no dot) this writer produces, e.g. {@code ["mp4"]}; empty for a folder. */
  List<String> extensions();

  VideoWriter create(ProviderConfig config);
}
