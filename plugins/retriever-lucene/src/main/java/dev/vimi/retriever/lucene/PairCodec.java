package dev.vimi.retriever.lucene;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageRef;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;

/**
 * The stored form of a pair: one binary stored field per document, so that a hit costs one stored
 * field lookup. Layout: version byte, id, caption, keyword count and keywords (UTF-8 strings with
 * vint lengths), image kind byte and its payload.
 */
final class PairCodec {
  static final byte VERSION = 1;
  static final byte NO_IMAGE = 0;
  static final byte ABSOLUTE_PATH = 1;
  static final byte URI_REF = 2;
  static final byte INLINE = 3;
  static final byte INDEX_RELATIVE_PATH = 4;

  /** A decoded pair. */
  record Stored(String id, String caption, List<String> keywords, ImageRef image) {}

  private PairCodec() {}

  /**
   * @param imageKind one of the kind constants
   * @param imageText the path or URI for the reference kinds, else null
   * @param imageBytes the bytes for {@link #INLINE}, else null
   */
  static byte[] encode(
      String id, String caption, List<String> keywords, byte imageKind, String imageText, byte[] imageBytes) {
    ByteBuffersDataOutput out = new ByteBuffersDataOutput();
    try {
      out.writeByte(VERSION);
      out.writeString(id);
      out.writeString(caption);
      out.writeVInt(keywords.size());
      for (String k : keywords) {
        out.writeString(k);
      }
      out.writeByte(imageKind);
      switch (imageKind) {
        case NO_IMAGE -> {}
        case INLINE -> {
          out.writeVInt(imageBytes.length);
          out.writeBytes(imageBytes, imageBytes.length);
        }
        default -> out.writeString(imageText);
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("in-memory output cannot fail", e);
    }
    return out.toArrayCopy();
  }

  static Stored decode(byte[] data, Path memoryDir) {
    try {
      return read(new ByteArrayDataInput(data), memoryDir);
    } catch (java.io.IOException | RuntimeException e) {
      if (e instanceof BackendException be) {
        throw be;
      }
      throw new BackendException("a stored pair of the memory at " + memoryDir + " cannot be decoded (" + e + "); re-ingest the memory", e);
    }
  }

  private static Stored read(ByteArrayDataInput in, Path memoryDir) throws java.io.IOException {
    byte version = in.readByte();
    if (version != VERSION) {
      throw new BackendException(
          "stored pair has format version " + version + " but this vimi reads version " + VERSION + "; re-ingest the memory");
    }
    String id = in.readString();
    String caption = in.readString();
    int n = in.readVInt();
    List<String> keywords = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keywords.add(in.readString());
    }
    byte kind = in.readByte();
    ImageRef image =
        switch (kind) {
          case NO_IMAGE -> null;
          case ABSOLUTE_PATH -> ImageRef.of(Path.of(in.readString()));
          case URI_REF -> ImageRef.of(URI.create(in.readString()));
          case INDEX_RELATIVE_PATH -> ImageRef.of(memoryDir.resolve(in.readString()));
          case INLINE -> {
            byte[] b = new byte[in.readVInt()];
            in.readBytes(b, 0, b.length);
            yield ImageRef.ofBytes(b);
          }
          default -> throw new BackendException("stored pair '" + id + "' has unknown image kind " + kind + "; re-ingest the memory");
        };
    return new Stored(id, caption, keywords, image);
  }
}
