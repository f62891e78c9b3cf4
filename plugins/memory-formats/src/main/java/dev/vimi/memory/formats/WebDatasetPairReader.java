package dev.vimi.memory.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@link MemoryFormat#WEBDATASET}: samples of consecutive tar entries sharing a key. */
final class WebDatasetPairReader extends AbstractPairReader {
  /** Largest entry read into memory; a bigger "image" or caption is a malformed record. */
  static final long MAX_ENTRY_BYTES = 256L << 20;

  private final List<Path> shards;
  private final long totalBytes;
  private int shardIndex = -1;
  private long bytesBeforeShard;
  private CountingInputStream counter;
  private TarReader tar;
  private TarReader.Entry pending; // first entry of the next sample, already read
  private RecordProblem pendingProblem; // a cut found while completing the previous sample
  private String location = "start";
  private final JsonPairs json = new JsonPairs();

  WebDatasetPairReader(String source, List<Path> shards, long totalBytes, ReadOptions options) {
    super(source, MemoryFormat.WEBDATASET, options);
    this.shards = List.copyOf(shards);
    this.totalBytes = totalBytes;
  }

  @Override
  protected ImageTextPair readNext() throws IOException {
    while (true) {
      if (tar == null && !openNextShard()) {
        return null;
      }
      try {
        ImageTextPair p = readSample();
        if (p != null) {
          return p;
        }
        closeShard(); // end of this shard; go on with the next
      } catch (RecordProblem e) {
        if (e.reason == SkipReason.TRUNCATED_SHARD || e.reason == SkipReason.CORRUPT_SHARD) {
          closeShard(); // nothing more can be read from this shard
        }
        throw e;
      }
    }
  }

  /** Reads the entries of one sample and makes the pair; null at the end of the shard. */
  private ImageTextPair readSample() throws IOException {
    while (true) {
      if (pendingProblem != null) {
        RecordProblem p = pendingProblem;
        pendingProblem = null;
        throw p;
      }
      TarReader.Entry e = pending != null ? pending : tar.next();
      pending = null;
      if (e == null) {
        return null;
      }
      String key = key(e.name());
      location = "sample " + key + " (entry " + e.name() + " at byte " + e.offset() + ")";
      byte[] image = null;
      String imageName = null;
      byte[] txt = null;
      byte[] jsonBytes = null;
      RecordProblem deferred = null;
      while (e != null && key.equals(key(e.name()))) {
        String ext = ext(e.name());
        boolean wanted = ImageChecks.isImageExtension(ext) || ext.equals("txt") || ext.equals("json");
        if (wanted && e.size() > MAX_ENTRY_BYTES) {
          deferred = new RecordProblem(
              SkipReason.MALFORMED_RECORD, "entry " + e.name() + " has " + e.size() + " bytes, more than " + MAX_ENTRY_BYTES);
        } else if (ImageChecks.isImageExtension(ext)) {
          if (image != null) {
            deferred = new RecordProblem(
                SkipReason.MALFORMED_RECORD, "sample " + key + " has two images: " + imageName + " and " + e.name());
          }
          image = tar.data();
          imageName = e.name();
        } else if (ext.equals("txt")) {
          txt = tar.data();
        } else if (ext.equals("json")) {
          jsonBytes = tar.data();
        }
        try {
          e = tar.next();
        } catch (RecordProblem cut) {
          // the shard ends after (part of) this sample: hand out what is complete, report the cut next
          if (image == null || (txt == null && jsonBytes == null)) {
            throw cut;
          }
          pendingProblem = cut;
          e = null;
        }
      }
      pending = e;
      if (deferred != null) {
        throw deferred;
      }
      if (image == null) {
        if (txt != null || jsonBytes != null) {
          throw new RecordProblem(SkipReason.CAPTION_WITHOUT_IMAGE, "sample " + key + " has a caption but no image");
        }
        continue; // a sample of only other extensions (.cls, ...) is not an image-text pair
      }
      if (txt == null && jsonBytes == null) {
        throw new RecordProblem(
            SkipReason.IMAGE_WITHOUT_CAPTION,
            "sample " + key + " has an image (" + imageName + ") but no .txt or .json caption");
      }
      ImageRef ref = ImageRef.ofBytes(image);
      if (jsonBytes != null) {
        JsonNode obj = json.parseObject(Records.utf8(jsonBytes, "the .json of sample " + key));
        if (obj.get("caption") == null && obj.get("text") == null && txt != null) {
          ((ObjectNode) obj).put("caption", Records.utf8(txt, "the .txt of sample " + key));
        }
        return JsonPairs.sidecarPair(obj, key, ref, options);
      }
      String id = Records.id(key);
      String caption = Records.caption(Records.utf8(txt, "the .txt of sample " + key), id, options);
      return new ImageTextPair(id, caption, List.of(), Records.verified(ref, id, options));
    }
  }

  /** WebDataset's key: the name up to the first dot of its last path component. */
  static String key(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.indexOf('.', slash + 1);
    return dot < 0 ? name : name.substring(0, dot);
  }

  static String ext(String name) {
    int slash = name.lastIndexOf('/');
    int dot = name.indexOf('.', slash + 1);
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private boolean openNextShard() throws IOException {
    if (shardIndex + 1 >= shards.size()) {
      return false;
    }
    shardIndex++;
    Path shard = shards.get(shardIndex);
    counter = new CountingInputStream(Files.newInputStream(shard));
    tar = new TarReader(new BufferedInputStream(counter, 1 << 16));
    pending = null;
    location = "start";
    return true;
  }

  private void closeShard() throws IOException {
    if (tar != null) {
      bytesBeforeShard += counter.count();
      tar.close();
      tar = null;
      counter = null;
      pending = null;
      pendingProblem = null;
    }
  }

  @Override
  protected String location() {
    return location;
  }

  @Override
  protected String currentSource() {
    return shardIndex < 0 ? source() : shards.get(Math.min(shardIndex, shards.size() - 1)).toString();
  }

  @Override
  public long bytesRead() {
    CountingInputStream c = counter;
    return bytesBeforeShard + (c == null ? 0 : c.count());
  }

  @Override
  public long totalBytes() {
    return totalBytes;
  }

  @Override
  protected void closeInput() throws IOException {
    closeShard();
  }
}
