package dev.vimi.retriever.lucene.internal;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageRef;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.UnicodeUtil;

/**
 * The stored form of a pair, one binary doc value per document: version byte, id, caption, keyword
 * count and keywords (UTF-8 strings with vint lengths), image kind byte and, for references, the path
 * or URI. The bytes of an inline image live in a stored field of their own.
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

  /** Loads the bytes of an inline image when a decoded pair has one. */
  @FunctionalInterface
  interface InlineImages {
    byte[] load() throws IOException;
  }

  private PairCodec() {}

  /**
   * Encodes pairs into one reusable buffer: the returned bytes stay valid until the next call. Not
   * thread-safe; the writer keeps one per indexing thread.
   */
  static final class Encoder {
    private byte[] buf = new byte[256];
    private int pos;
    private final BytesRef ref = new BytesRef();

    /**
     * @param imageKind one of the kind constants
     * @param imageText the path or URI for the reference kinds, else null
     */
    BytesRef encode(String id, String caption, List<String> keywords, byte imageKind, String imageText) {
      pos = 0;
      writeByte(VERSION);
      writeString(id);
      writeString(caption);
      writeVInt(keywords.size());
      for (String k : keywords) {
        writeString(k);
      }
      writeByte(imageKind);
      if (imageKind != NO_IMAGE && imageKind != INLINE) {
        writeString(imageText);
      }
      ref.bytes = buf;
      ref.offset = 0;
      ref.length = pos;
      return ref;
    }

    private void ensure(int more) {
      if (pos + more > buf.length) {
        buf = ArrayUtil.grow(buf, pos + more);
      }
    }

    private void writeByte(byte b) {
      ensure(1);
      buf[pos++] = b;
    }

    private void writeVInt(int v) {
      ensure(5);
      while ((v & ~0x7F) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    /** The same layout as Lucene's {@code DataOutput.writeString}: vint byte length, then UTF-8. */
    private void writeString(String s) {
      int max = UnicodeUtil.maxUTF8Length(s.length());
      ensure(5 + max);
      int start = pos + 5; // encode after room for the longest vint, then move into place
      int end = UnicodeUtil.UTF16toUTF8(s, 0, s.length(), buf, start);
      int len = end - start;
      writeVInt(len);
      System.arraycopy(buf, start, buf, pos, len);
      pos += len;
    }
  }

  /** Encodes one pair into fresh bytes; see {@link Encoder}. */
  static BytesRef encode(String id, String caption, List<String> keywords, byte imageKind, String imageText) {
    return BytesRef.deepCopyOf(new Encoder().encode(id, caption, keywords, imageKind, imageText));
  }

  /** Only the id, without decoding the rest (for exclusions). */
  static String id(BytesRef data) {
    try {
      ByteArrayDataInput in = new ByteArrayDataInput(data.bytes, data.offset, data.length);
      in.readByte();
      return in.readString();
    } catch (IOException | RuntimeException e) {
      throw new BackendException("a stored pair cannot be decoded (" + e + "); re-ingest the memory", e);
    }
  }

  static Stored decode(BytesRef data, Path memoryDir, InlineImages inline) {
    try {
      return read(new ByteArrayDataInput(data.bytes, data.offset, data.length), memoryDir, inline);
    } catch (IOException | RuntimeException e) {
      if (e instanceof BackendException be) {
        throw be;
      }
      throw new BackendException(
          "a stored pair of the memory at " + memoryDir + " cannot be decoded (" + e + "); re-ingest the memory", e);
    }
  }

  private static Stored read(ByteArrayDataInput in, Path memoryDir, InlineImages inline) throws IOException {
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
            byte[] bytes = inline.load();
            if (bytes == null) {
              throw new BackendException("pair '" + id + "' has an inline image but its bytes are missing; re-ingest the memory");
            }
            yield ImageRef.ofBytes(bytes);
          }
          default -> throw new BackendException("stored pair '" + id + "' has unknown image kind " + kind + "; re-ingest the memory");
        };
    return new Stored(id, caption, keywords, image);
  }
}
