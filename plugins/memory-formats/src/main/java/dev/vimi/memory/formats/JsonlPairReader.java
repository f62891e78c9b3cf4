package dev.vimi.memory.formats;

import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.nio.file.Path;

/** {@link MemoryFormat#JSONL}. */
final class JsonlPairReader extends AbstractPairReader {
  private final LineReader lines;
  private final Path baseDir;
  private final long totalBytes;
  private final JsonPairs json = new JsonPairs();

  JsonlPairReader(String source, LineReader lines, Path baseDir, long totalBytes, ReadOptions options) {
    super(source, MemoryFormat.JSONL, options);
    this.lines = lines;
    this.baseDir = baseDir;
    this.totalBytes = totalBytes;
  }

  @Override
  protected ImageTextPair readNext() throws IOException {
    String line;
    do {
      line = lines.next();
      if (line == null) {
        return null;
      }
    } while (line.isBlank());
    return JsonPairs.jsonlPair(json.parseObject(line), baseDir, options);
  }

  @Override
  protected String location() {
    return "line " + lines.lineNumber();
  }

  @Override
  public long bytesRead() {
    return lines.bytesRead();
  }

  @Override
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  protected void closeInput() throws IOException {
    lines.close();
  }
}
