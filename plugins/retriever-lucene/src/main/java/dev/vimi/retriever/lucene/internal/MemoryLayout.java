package dev.vimi.retriever.lucene.internal;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ConfigurationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexOptions;

/**
 * How a memory sits on disk: {@code <index.dir>/lucene/} holds the Lucene index, {@code
 * <index.dir>/images/} the images that arrived as bytes and are stored by reference. Each commit
 * carries the settings the index was built with in its user data.
 */
final class MemoryLayout {
  static final String LUCENE = "lucene";
  static final String IMAGES = "images";

  /** Analysed caption plus keywords: the BM25 field. Frequencies and norms, no positions. */
  static final String TEXT = "t";
  /** The id as one term, for de-duplication. */
  static final String ID = "id";
  /** First 64 bits of the SHA-256 of the normalised caption (numeric doc values), for de-duplication. */
  static final String CAPTION_DIGEST_HI = "ch";
  /** Second 64 bits of that digest. */
  static final String CAPTION_DIGEST_LO = "cl";
  /**
   * The pair ({@link PairCodec}) as binary doc values: reading one for a hit is a direct, uncompressed
   * read, much cheaper than decompressing a block of stored fields.
   */
  static final String PAIR = "p";
  /** Stored field with the bytes of an inline image (kept out of the doc values, which stay small). */
  static final String IMAGE_BYTES = "img";

  static final String DATA_FORMAT = "vimi.format";
  static final String DATA_ANALYZER = "vimi.analyzer";
  static final String DATA_IMAGES = "vimi.images";
  static final String DATA_CAPTION_KEYS = "vimi.caption.keys";
  static final String FORMAT_VERSION = Integer.toString(LuceneRetrieverProvider.MEMORY_FORMAT_VERSION);

  /**
   * Term frequencies matter to BM25; positions do not (no phrase queries), so they are not indexed:
   * a smaller, faster index. Norms are kept: BM25's length normalisation needs them.
   */
  static final FieldType TEXT_TYPE;

  static {
    FieldType t = new FieldType();
    t.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
    t.setTokenized(true);
    t.setOmitNorms(false);
    t.setStored(false);
    t.freeze();
    TEXT_TYPE = t;
  }

  static final FieldType KEY_TYPE = StringField.TYPE_NOT_STORED;

  private MemoryLayout() {}

  static Path luceneDir(Path memoryDir) {
    return memoryDir.resolve(LUCENE);
  }

  static Map<String, String> userData(String analyzer, LuceneMemoryConfig.ImageStorage images) {
    return Map.of(
        DATA_FORMAT, FORMAT_VERSION,
        DATA_ANALYZER, analyzer,
        DATA_IMAGES, images.name().toLowerCase(java.util.Locale.ROOT),
        DATA_CAPTION_KEYS, "sha256-128 of the lower-cased caption, white space collapsed");
  }

  /** Checks that a memory exists at {@code memoryDir} before a retriever opens it. */
  static void requireMemory(String owner, Path memoryDir) {
    if (!Files.exists(memoryDir)) {
      throw new ConfigurationException(
          owner + ": no memory at " + memoryDir + " (the folder does not exist); build one with"
              + " `vimi memory ingest` or point '" + LuceneMemoryConfig.INDEX_DIR + "' at an existing memory");
    }
    if (!Files.isDirectory(memoryDir)) {
      throw new ConfigurationException(owner + ": " + memoryDir + " is a file, but '" + LuceneMemoryConfig.INDEX_DIR + "' must name a memory folder");
    }
    if (!Files.isDirectory(luceneDir(memoryDir))) {
      throw new ConfigurationException(
          owner + ": " + memoryDir + " is not a vimi Lucene memory (it has no '" + LUCENE + "' folder); build one with"
              + " `vimi memory ingest` or point '" + LuceneMemoryConfig.INDEX_DIR + "' at an existing memory");
    }
  }

  /** Turns what Lucene throws on opening a damaged or foreign index into a message a user can act on. */
  static RuntimeException openFailure(String owner, Path memoryDir, IOException e) {
    String where = owner + ": the memory at " + memoryDir;
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException || c instanceof FileNotFoundException) {
        return openFailure(owner, memoryDir, (IOException) c);
      }
    }
    return switch (e) {
      case IndexNotFoundException x ->
          new ConfigurationException(
              where + " holds no committed index (" + x.getMessage() + "); ingest into it first, or delete the folder", e);
      case CorruptIndexException x ->
          new ConfigurationException(
              where + " is corrupt (" + x.getMessage() + "). An interrupted ingest never causes this: the files were"
                  + " damaged on disk or in a copy. Delete the folder and ingest again", e);
      case IndexFormatTooNewException x ->
          new ConfigurationException(where + " was written by a newer Lucene than this vimi uses (" + x.getMessage() + "); upgrade vimi", e);
      case IndexFormatTooOldException x ->
          new ConfigurationException(where + " was written by an older Lucene that this vimi cannot read (" + x.getMessage() + "); ingest it again", e);
      case NoSuchFileException x ->
          new ConfigurationException(
              where + " is missing file " + x.getFile() + ": it was damaged or copied incompletely. Delete the folder and ingest again", e);
      case FileNotFoundException x ->
          new ConfigurationException(
              where + " is missing a file (" + x.getMessage() + "): it was damaged or copied incompletely. Delete the folder and ingest again", e);
      case AccessDeniedException x -> new ConfigurationException(where + " cannot be read: permission denied on " + x.getFile(), e);
      default -> new ConfigurationException(where + " cannot be opened: " + e, e);
    };
  }

  /** Checks the user data of a commit: a vimi memory of a format this code reads. */
  static void checkUserData(String owner, Path memoryDir, Map<String, String> data) {
    String format = data.get(DATA_FORMAT);
    if (format == null) {
      throw new ConfigurationException(
          owner + ": " + memoryDir + " holds a Lucene index that vimi did not write (no '" + DATA_FORMAT + "' in its commit data)");
    }
    if (!format.equals(FORMAT_VERSION)) {
      throw new ConfigurationException(
          owner + ": the memory at " + memoryDir + " has format " + format + " but this vimi reads format " + FORMAT_VERSION + "; ingest it again");
    }
  }

  /**
   * The analyzer to use: the configured one, which must match the index's, or else the index's.
   *
   * @param stored the analyzer recorded in the index, or null for a new index
   */
  static String resolveAnalyzer(String owner, Path memoryDir, String configured, String stored) {
    if (stored == null) {
      return configured != null ? configured : LuceneMemoryConfig.DEFAULT_ANALYZER;
    }
    if (configured != null && !configured.equals(stored)) {
      throw new ConfigurationException(
          owner + ": '" + LuceneMemoryConfig.ANALYZER + "' is '" + configured + "' but the memory at " + memoryDir
              + " was built with '" + stored + "'; queries must be analysed like the captions were. Remove the key"
              + " (the memory's analyzer is then used) or ingest into a new folder");
    }
    return stored;
  }
}
