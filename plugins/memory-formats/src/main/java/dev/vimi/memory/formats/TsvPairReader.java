package dev.vimi.memory.formats;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@link MemoryFormat#TSV}. */
final class TsvPairReader extends AbstractPairReader {
  private final LineReader lines;
  private final Path baseDir;
  private final long totalBytes;
  private boolean first = true;

  TsvPairReader(String source, LineReader lines, Path baseDir, long totalBytes, ReadOptions options) {
    super(source, MemoryFormat.TSV, options);
    this.lines = lines;
    this.baseDir = baseDir;
    this.totalBytes = totalBytes;
  }

  @Override
  protected ImageTextPair readNext() throws IOException {
    while (true) {
      String line = lines.next();
      if (line == null) {
        return null;
      }
      if (line.isBlank()) {
        continue;
      }
      int t1 = line.indexOf('\t');
      if (t1 < 0) {
        throw new RecordProblem(
            SkipReason.MALFORMED_RECORD, "no tab in the line; expected id<TAB>caption[<TAB>image]");
      }
      int t2 = line.indexOf('\t', t1 + 1);
      if (t2 >= 0 && line.indexOf('\t', t2 + 1) >= 0) {
        throw new RecordProblem(
            SkipReason.MALFORMED_RECORD,
            "more than 3 tab-separated fields; expected id<TAB>caption[<TAB>image] (captions cannot hold tabs)");
      }
      String rawId = line.substring(0, t1);
      String rawCaption = t2 < 0 ? line.substring(t1 + 1) : line.substring(t1 + 1, t2);
      if (first) {
        first = false;
        if (rawId.strip().equalsIgnoreCase("id")
            && (rawCaption.strip().equalsIgnoreCase("caption") || rawCaption.strip().equalsIgnoreCase("text"))) {
          continue; // header
        }
      }
      String id = Records.id(rawId);
      String caption = Records.caption(rawCaption, id, options);
      ImageRef image = null;
      if (t2 >= 0 && !line.substring(t2 + 1).isBlank()) {
        image = Records.verified(Records.imageFromString(line.substring(t2 + 1), baseDir), id, options);
      }
      return new ImageTextPair(id, caption, List.of(), image);
    }
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
