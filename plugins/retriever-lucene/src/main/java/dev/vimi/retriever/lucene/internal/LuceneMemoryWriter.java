package dev.vimi.retriever.lucene.internal;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.RejectionTally;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.MergePolicy;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.ArrayUtil;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds image-text pairs to a Lucene memory, durably in batches.
 *
 * <p><b>Crash safety.</b> Every {@value LuceneMemoryConfig#COMMIT_EVERY} pairs or {@value
 * LuceneMemoryConfig#COMMIT_INTERVAL_SECONDS} seconds, whichever comes first (and on {@link
 * #commit()} and {@link #close()}), the writer makes a Lucene commit: an atomic switch to a new set
 * of fsynced files. A process killed at any moment (kill -9 included) leaves the last commit intact;
 * the next writer opens it, throws away the files of the unfinished batch, and, because ids already
 * present are skipped, a resumed ingest that adds everything again ends with each pair exactly once.
 * Image files written to {@code <index.dir>/images/} are fsynced before the commit that refers to them.
 *
 * <p><b>De-duplication.</b> A pair whose id is already in the memory (committed, or added earlier by
 * this writer) is skipped and counted in {@link IngestCounts#duplicateIds()}. With {@value
 * LuceneMemoryConfig#DEDUP_CAPTIONS} on (the default), a pair whose caption equals an earlier pair's
 * caption after lower-casing and collapsing white space is skipped too and counted in {@link
 * IngestCounts#duplicateCaptions()} (and in {@link #report()} as rejected, reason {@value
 * #DUPLICATE_CAPTIONS}): BM25 scores such pairs identically, so they would fill the top K with copies of
 * one text; the first pair (and its image) is kept. Captions are compared by a
 * 128-bit SHA-256 prefix of the normalised text (kept as doc values, so a resumed ingest knows the
 * captions of earlier ones), which tells captions apart for any realistic memory.
 *
 * <p><b>Merges.</b> Every commit writes a segment. With {@value LuceneMemoryConfig#INGEST_MERGES}{@code
 * =background} (the default) Lucene merges small segments in background threads while pairs are added;
 * with {@code deferred} nothing is merged until {@link #optimize()}, which spares a bulk ingest the
 * rewriting and leaves searches one segment per commit to visit (see {@link
 * LuceneMemoryConfig.IngestMerges}).
 *
 * <p><b>Refusals.</b> A pair the memory cannot take (an id over 1024 characters, a caption over
 * {@value LuceneMemoryConfig#MAX_CAPTION_CHARS}, decoded pixels, an inline image over its limit or
 * unreadable) is refused with an {@link InvalidInputException} and counted in {@link #report()} as
 * rejected, by reason.
 *
 * <p><b>Thread-safety.</b> {@link #add} may be called from many threads at once (Lucene indexes
 * concurrently); {@link #commit}, {@link #optimize} and {@link #close} are serialised with adds by a
 * lock. <b>Ownership.</b> The caller closes the writer, which commits.
 */
public final class LuceneMemoryWriter implements MemoryWriter {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneMemoryWriter.class);
  /** The reason in {@link #report()} of pairs skipped because their caption duplicates an earlier pair's. */
  public static final String DUPLICATE_CAPTIONS = "duplicate captions";
  private static final int MAX_ID_CHARS = 1_024;
  private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private final LuceneMemoryConfig config;
  private final String owner;
  private final Path memoryDir;
  private final FSDirectory directory;
  private final Analyzer analyzer;
  private final IndexWriter writer;
  private final Map<String, String> userData;
  private final ReentrantReadWriteLock commitLock = new ReentrantReadWriteLock();
  private final Object keyLock = new Object();
  private final KeySet ids;
  private final DigestSet captionDigests;
  private final long pairsAtOpen;
  private final AtomicLong added = new AtomicLong();
  private final AtomicLong sinceCommit = new AtomicLong();
  private final AtomicLong duplicateIds = new AtomicLong();
  private final AtomicLong duplicateCaptions = new AtomicLong();
  private final AtomicLong commits = new AtomicLong();
  private final RejectionTally rejections = new RejectionTally();
  private final Set<Path> unsyncedImages = new LinkedHashSet<>();
  private final long commitIntervalNanos;
  private volatile long lastCommitNanos = System.nanoTime();
  private volatile MemoryWriter.Commit lastCommit;
  private DirectoryReader committed; // the last commit, for exact key confirmation
  private volatile boolean closed;
  /** Reusable objects per indexing thread; they die with the writer. */
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private LuceneMemoryWriter(
      LuceneMemoryConfig config,
      String owner,
      FSDirectory directory,
      DirectoryReader committed,
      String analyzerName)
      throws IOException {
    this.config = config;
    this.owner = owner;
    this.memoryDir = config.indexDir();
    this.directory = directory;
    this.committed = committed;
    this.analyzer = Analyzers.create(owner, analyzerName);
    this.userData = MemoryLayout.userData(analyzerName, config.images());
    this.commitIntervalNanos = java.util.concurrent.TimeUnit.SECONDS.toNanos(config.commitIntervalSeconds());
    IndexWriterConfig iwc =
        new IndexWriterConfig(analyzer)
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
            .setSimilarity(new BM25Similarity((float) config.k1(), (float) config.b()))
            .setRAMBufferSizeMB(config.ramBufferMb())
            .setUseCompoundFile(false)
            .setCommitOnClose(false);
    if (config.ingestMerges() == LuceneMemoryConfig.IngestMerges.DEFERRED) {
      iwc.setMergePolicy(NoMergePolicy.INSTANCE); // optimize() merges with a tiered policy of its own
    }
    IndexWriter w;
    try {
      w = new IndexWriter(directory, iwc);
    } catch (LockObtainFailedException e) {
      analyzer.close();
      throw new ConfigurationException(
          owner + ": another writer holds the memory at " + memoryDir + " (" + e.getMessage() + "); wait for that ingest"
              + " to finish or stop it, then try again", e);
    }
    this.writer = w;
    // only when it differs from the commit's (which later commits carry on): setting it counts as a change, and
    // a writer that adds nothing must leave the memory's files as they were when it closes
    if (committed == null || !userData.equals(committed.getIndexCommit().getUserData())) {
      w.setLiveCommitData(userData.entrySet());
    }
    this.pairsAtOpen = committed == null ? 0 : committed.numDocs();
    if (committed != null) {
      Path segments = MemoryLayout.luceneDir(memoryDir).resolve(committed.getIndexCommit().getSegmentsFileName());
      lastCommit = new MemoryWriter.Commit(pairsAtOpen, Files.getLastModifiedTime(segments).toInstant());
    }
    int expected = (int) Math.min(1 << 28, pairsAtOpen + Math.min(config.commitEvery(), 1 << 20));
    this.ids = new KeySet(MemoryLayout.ID, expected);
    this.captionDigests = new DigestSet(expected);
    if (committed != null) {
      ids.load(committed);
      captionDigests.load(committed, MemoryLayout.CAPTION_DIGEST_HI, MemoryLayout.CAPTION_DIGEST_LO);
    }
  }

  /**
   * Opens the memory at {@code config.indexDir()} for adding, creating it if the folder does not
   * exist or is empty.
   *
   * @throws ConfigurationException if the folder holds something else, a damaged index, an index of
   *     another analyzer than the one configured, or is locked by another writer
   */
  public static LuceneMemoryWriter open(LuceneMemoryConfig config, String owner) {
    Path memoryDir = config.indexDir();
    Path luceneDir = MemoryLayout.luceneDir(memoryDir);
    try {
      if (Files.isRegularFile(memoryDir)) {
        throw new ConfigurationException(owner + ": " + memoryDir + " is a file; '" + LuceneMemoryConfig.INDEX_DIR + "' must name a folder");
      }
      if (Files.isDirectory(memoryDir) && !Files.isDirectory(luceneDir) && !isEmpty(memoryDir)) {
        throw new ConfigurationException(
            owner + ": " + memoryDir + " holds other files and is not a vimi memory; choose a new or empty folder for '"
                + LuceneMemoryConfig.INDEX_DIR + "'");
      }
      Files.createDirectories(luceneDir);
    } catch (IOException e) {
      throw new ConfigurationException(owner + ": cannot create the memory folder " + luceneDir + ": " + e, e);
    }
    FSDirectory dir = null;
    DirectoryReader committed = null;
    try {
      dir = FSDirectory.open(luceneDir);
      String storedAnalyzer = null;
      if (DirectoryReader.indexExists(dir)) {
        try {
          committed = DirectoryReader.open(dir);
        } catch (IOException e) {
          throw MemoryLayout.openFailure(owner, memoryDir, e);
        }
        Map<String, String> data = committed.getIndexCommit().getUserData();
        MemoryLayout.checkUserData(owner, memoryDir, data);
        MemoryIntegrity.verifyOnOpen(owner, memoryDir, dir, committed, config.verifyOnOpen());
        storedAnalyzer = data.get(MemoryLayout.DATA_ANALYZER);
      }
      String analyzerName = MemoryLayout.resolveAnalyzer(owner, memoryDir, config.analyzer(), storedAnalyzer);
      LuceneMemoryWriter w = new LuceneMemoryWriter(config, owner, dir, committed, analyzerName);
      if (w.pairsAtOpen > 0) {
        LOG.info("{}: resuming the memory at {} which holds {} pairs", owner, memoryDir, w.pairsAtOpen);
      }
      return w;
    } catch (IOException e) {
      IOUtils.closeWhileHandlingException(committed, dir);
      throw MemoryLayout.openFailure(owner, memoryDir, e);
    } catch (RuntimeException e) {
      IOUtils.closeWhileHandlingException(committed, dir);
      throw e;
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  /**
   * Adds one pair unless its id (or, with caption de-duplication, its caption) is already present.
   *
   * @throws InvalidInputException for a caption over {@value LuceneMemoryConfig#MAX_CAPTION_CHARS},
   *     an id over 1024 characters, decoded pixels, or an inline image over the inline limit
   * @throws BackendException if Lucene fails (disk full, ...); the writer is then unusable, and the
   *     memory holds the last commit
   */
  @Override
  public boolean add(ImageTextPair pair) {
    Objects.requireNonNull(pair, "pair");
    ensureOpen();
    Scratch s = scratch.get();
    Document doc;
    try {
      doc = document(pair, s);
    } catch (Refusal r) {
      rejections.record(r.reason, pair.id());
      throw r;
    }
    BytesRef idKey = new BytesRef(pair.id());
    captionDigest(pair.caption(), s);
    long hi = (long) BIG_ENDIAN_LONG.get(s.digest, 0);
    long lo = (long) BIG_ENDIAN_LONG.get(s.digest, 8);
    commitLock.readLock().lock();
    try {
      ensureOpen();
      synchronized (keyLock) {
        if (ids.contains(idKey)) {
          duplicateIds.incrementAndGet();
          return false;
        }
        if (config.dedupCaptions() && captionDigests.contains(hi, lo)) {
          duplicateCaptions.incrementAndGet();
          rejections.record(DUPLICATE_CAPTIONS, pair.id());
          LOG.debug("{}: pair '{}' skipped: its caption duplicates an earlier pair's", owner, pair.id());
          return false;
        }
        ids.add(idKey);
        captionDigests.add(hi, lo);
      }
      s.id.setBytesValue(idKey);
      s.digestHi.setLongValue(hi);
      s.digestLo.setLongValue(lo);
      writer.addDocument(doc);
      added.incrementAndGet();
      sinceCommit.incrementAndGet();
    } catch (IOException e) {
      throw new BackendException(owner + ": adding pair '" + pair.id() + "' to " + memoryDir + " failed: " + e, e);
    } finally {
      commitLock.readLock().unlock();
    }
    if (commitDue()) {
      commitIfDue();
    }
    return true;
  }

  private boolean commitDue() {
    long n = sinceCommit.get();
    return n >= config.commitEvery() || (n > 0 && System.nanoTime() - lastCommitNanos >= commitIntervalNanos);
  }

  private void commitIfDue() {
    commitLock.writeLock().lock();
    try {
      if (!closed && commitDue()) {
        doCommit();
      }
    } finally {
      commitLock.writeLock().unlock();
    }
  }

  @Override
  public java.util.Optional<MemoryWriter.Commit> lastCommit() {
    return java.util.Optional.ofNullable(lastCommit);
  }

  @Override
  public void commit() {
    commitLock.writeLock().lock();
    try {
      ensureOpen();
      doCommit();
    } finally {
      commitLock.writeLock().unlock();
    }
  }

  /** True: {@link #optimize()} merges the index into one segment. */
  @Override
  public boolean supportsOptimize() {
    return true;
  }

  /** Merges the index into one segment and commits: {@link #optimize(int) optimize(1)}. */
  @Override
  public void optimize() {
    optimize(1);
  }

  /**
   * Merges the index down to at most {@code maxSegments} segments and commits. A memory that is
   * built once and then queried many times answers faster from one segment. Blocks until done.
   */
  public void optimize(int maxSegments) {
    if (maxSegments < 1) {
      throw new InvalidInputException("maxSegments", "must be at least 1 but is " + maxSegments);
    }
    commitLock.writeLock().lock();
    try {
      ensureOpen();
      MergePolicy ingestPolicy = writer.getConfig().getMergePolicy();
      if (ingestPolicy == NoMergePolicy.INSTANCE) { // ingest.merges=deferred: this is the merge deferred
        writer.getConfig().setMergePolicy(new TieredMergePolicy());
      }
      try {
        writer.forceMerge(maxSegments);
      } finally {
        writer.getConfig().setMergePolicy(ingestPolicy);
      }
      doCommit();
    } catch (IOException e) {
      throw new BackendException(owner + ": merging " + memoryDir + " failed: " + e, e);
    } finally {
      commitLock.writeLock().unlock();
    }
  }

  /** Caller holds the write lock. */
  private void doCommit() {
    try {
      syncImages();
      if (committed != null && !writer.hasUncommittedChanges()) {
        sinceCommit.set(0);
        return; // nothing new: keep the commit as it is
      }
      writer.commit();
      DirectoryReader newer = committed == null ? DirectoryReader.open(directory) : DirectoryReader.openIfChanged(committed);
      if (newer != null) {
        DirectoryReader old = committed;
        committed = newer;
        IOUtils.close(old);
      }
      synchronized (keyLock) {
        ids.committed(committed);
      }
      sinceCommit.set(0);
      lastCommitNanos = System.nanoTime();
      lastCommit = new MemoryWriter.Commit(committed.numDocs(), java.time.Instant.now());
      commits.incrementAndGet();
      LOG.debug("{}: committed; the memory at {} holds {} pairs", owner, memoryDir, count());
    } catch (IOException e) {
      throw new BackendException(owner + ": committing " + memoryDir + " failed: " + e + "; the memory keeps its previous commit", e);
    }
  }

  @Override
  public long count() {
    return pairsAtOpen + added.get();
  }

  @Override
  public IngestReport report() {
    return new IngestReport(pairsAtOpen, added.get(), duplicateIds.get(), rejections.snapshot(), 0);
  }

  /** Counts of this writer's work so far, with the Lucene-only figures (duplicate captions, commits). */
  public IngestCounts counts() {
    return new IngestCounts(pairsAtOpen, added.get(), duplicateIds.get(), duplicateCaptions.get(), commits.get());
  }

  /** The memory folder. */
  public Path memoryDir() {
    return memoryDir;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    commitLock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      try {
        doCommit();
      } finally {
        closed = true;
        try {
          writer.close();
        } catch (IOException e) {
          throw new BackendException(owner + ": closing " + memoryDir + " failed: " + e, e);
        } finally {
          IOUtils.closeWhileHandlingException(committed, directory, analyzer);
          committed = null;
        }
      }
    } finally {
      commitLock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(owner + ": the writer of " + memoryDir + " is closed");
    }
  }

  // ---- documents ----------------------------------------------------------------------------

  /**
   * One indexing thread's reusable objects: Lucene copies field values when a document is added, so
   * the document, its fields and the encoding buffers are reused for the next pair of the same
   * thread (saving most of the per-pair allocation).
   */
  private static final class Scratch {
    final MessageDigest sha = newSha256();
    final byte[] digest = new byte[32];
    byte[] normal = new byte[256];
    final PairCodec.Encoder encoder = new PairCodec.Encoder();
    final Field text = new Field(MemoryLayout.TEXT, "", MemoryLayout.TEXT_TYPE);
    final Field id = new Field(MemoryLayout.ID, new BytesRef(), MemoryLayout.KEY_TYPE);
    final BinaryDocValuesField pair = new BinaryDocValuesField(MemoryLayout.PAIR, new BytesRef());
    final NumericDocValuesField digestHi = new NumericDocValuesField(MemoryLayout.CAPTION_DIGEST_HI, 0L);
    final NumericDocValuesField digestLo = new NumericDocValuesField(MemoryLayout.CAPTION_DIGEST_LO, 0L);
    final StoredField image = new StoredField(MemoryLayout.IMAGE_BYTES, new byte[0]);
    final Document doc = new Document();
    final Document docWithImage = new Document();

    Scratch() {
      for (Document d : List.of(doc, docWithImage)) {
        d.add(text);
        d.add(id);
        d.add(pair);
        d.add(digestHi);
        d.add(digestLo);
      }
      docWithImage.add(image);
    }
  }

  /** Checks the pair and fills the scratch document of this thread (all but the dedup keys). */
  private Document document(ImageTextPair pair, Scratch s) {
    if (pair.id().length() > MAX_ID_CHARS) {
      throw new Refusal(
          "ids longer than " + MAX_ID_CHARS + " characters",
          "id", "pair id of " + pair.id().length() + " characters is longer than " + MAX_ID_CHARS + "; ids are keys, keep them short");
    }
    long chars = pair.caption().length();
    for (String k : pair.keywords()) {
      chars += k.length() + 1;
    }
    if (chars > config.maxCaptionChars()) {
      throw new Refusal(
          "captions longer than the limit",
          "caption",
          "pair '" + pair.id() + "' has " + chars + " characters of caption and keywords, more than "
              + LuceneMemoryConfig.MAX_CAPTION_CHARS + "=" + config.maxCaptionChars()
              + "; shorten it or raise " + LuceneMemoryConfig.MAX_CAPTION_CHARS);
    }
    String text = pair.keywords().isEmpty() ? pair.caption() : pair.caption() + "\n" + String.join(" ", pair.keywords());
    Encoded encoded = encode(pair, s.encoder);
    s.text.setStringValue(text);
    s.pair.setBytesValue(encoded.pair());
    if (encoded.inlineImage() != null) {
      s.image.setBytesValue(encoded.inlineImage());
      return s.docWithImage;
    }
    return s.doc;
  }

  /** A pair the memory cannot take: an {@link InvalidInputException} for the caller, a reason for the report. */
  private static final class Refusal extends InvalidInputException {
    @java.io.Serial private static final long serialVersionUID = 1L;
    final String reason;

    Refusal(String reason, String field, String message) {
      super(field, message);
      this.reason = reason;
    }

    Refusal(String reason, String field, String message, Throwable cause) {
      super(field, message, cause);
      this.reason = reason;
    }
  }

  /** The encoded pair and, for an inline image, its bytes. */
  private record Encoded(BytesRef pair, byte[] inlineImage) {}

  private Encoded encode(ImageTextPair pair, PairCodec.Encoder encoder) {
    ImageRef image = pair.image();
    boolean inline = config.images() == LuceneMemoryConfig.ImageStorage.INLINE;
    String id = pair.id();
    String caption = pair.caption();
    List<String> kw = pair.keywords();
    return switch (image) {
      case null -> new Encoded(encoder.encode(id, caption, kw, PairCodec.NO_IMAGE, null), null);
      case ImageRef.OfPath p ->
          inline
              ? new Encoded(encoder.encode(id, caption, kw, PairCodec.INLINE, null), readImage(id, p.path()))
              : new Encoded(encoder.encode(id, caption, kw, PairCodec.ABSOLUTE_PATH, p.path().toAbsolutePath().normalize().toString()), null);
      case ImageRef.OfUri u ->
          inline && "file".equalsIgnoreCase(u.uri().getScheme())
              ? new Encoded(encoder.encode(id, caption, kw, PairCodec.INLINE, null), readImage(id, Path.of(u.uri())))
              : new Encoded(encoder.encode(id, caption, kw, PairCodec.URI_REF, u.uri().toString()), null);
      case ImageRef.OfBytes b -> {
        byte[] data = b.data();
        if (inline) {
          checkInlineSize(id, data.length);
          yield new Encoded(encoder.encode(id, caption, kw, PairCodec.INLINE, null), data);
        }
        yield new Encoded(encoder.encode(id, caption, kw, PairCodec.INDEX_RELATIVE_PATH, writeImage(data)), null);
      }
      case ImageRef.OfPixels px ->
          throw new Refusal(
              "decoded-pixel images",
              "image",
              "pair '" + id + "' holds decoded pixels; the Lucene memory keeps encoded images (PNG, JPEG, ...) or"
                  + " references to them: encode the image first");
    };
  }

  private void checkInlineSize(String id, long size) {
    if (size > config.inlineMaxBytes()) {
      throw new Refusal(
          "inline images over the size limit",
          "image",
          "pair '" + id + "' has an image of " + size + " bytes, more than " + LuceneMemoryConfig.INLINE_MAX_BYTES + "="
              + config.inlineMaxBytes() + "; raise the limit or keep images by reference ("
              + LuceneMemoryConfig.IMAGES + "=reference)");
    }
  }

  private byte[] readImage(String id, Path path) {
    try {
      checkInlineSize(id, Files.size(path));
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new Refusal("unreadable image files", "image", "image of pair '" + id + "' at " + path + " cannot be read to store it inline: " + e, e);
    }
  }

  /** Writes image bytes once under {@code images/}, named by their SHA-256; returns the relative path. */
  private String writeImage(byte[] data) {
    String hex = HexFormat.of().formatHex(sha256(data));
    String rel = MemoryLayout.IMAGES + "/" + hex.substring(0, 2) + "/" + hex + "." + extension(data);
    Path target = memoryDir.resolve(rel);
    if (Files.exists(target)) {
      return rel;
    }
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".img-", ".tmp");
      Files.write(tmp, data);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      synchronized (unsyncedImages) {
        unsyncedImages.add(target);
      }
      return rel;
    } catch (IOException e) {
      throw new UncheckedIOException(owner + ": cannot write image file " + target + ": " + e.getMessage(), e);
    }
  }

  private void syncImages() throws IOException {
    List<Path> files;
    synchronized (unsyncedImages) {
      files = new ArrayList<>(unsyncedImages);
      unsyncedImages.clear();
    }
    Set<Path> dirs = new LinkedHashSet<>();
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      dirs.add(f.getParent());
    }
    for (Path d : dirs) {
      IOUtils.fsync(d, true);
    }
    if (!dirs.isEmpty()) {
      IOUtils.fsync(memoryDir.resolve(MemoryLayout.IMAGES), true);
    }
  }

  private static String extension(byte[] d) {
    if (d.length >= 4 && (d[0] & 0xff) == 0x89 && d[1] == 'P') {
      return "png";
    }
    if (d.length >= 3 && (d[0] & 0xff) == 0xff && (d[1] & 0xff) == 0xd8) {
      return "jpg";
    }
    if (d.length >= 4 && d[0] == 'G' && d[1] == 'I' && d[2] == 'F') {
      return "gif";
    }
    if (d.length >= 12 && d[0] == 'R' && d[8] == 'W' && d[9] == 'E' && d[10] == 'B' && d[11] == 'P') {
      return "webp";
    }
    if (d.length >= 2 && d[0] == 'B' && d[1] == 'M') {
      return "bmp";
    }
    return "bin";
  }

  /**
   * The de-duplication digest of a caption into {@code s.digest}: SHA-256 of the lower-cased text with
   * white space runs collapsed to one space and trimmed (only its first 128 bits are used).
   */
  static void captionDigest(String caption, Scratch s) {
    int n = caption.length();
    if (s.normal.length < n * 3 + 1) {
      s.normal = new byte[ArrayUtil.oversize(n * 3 + 1, 1)];
    }
    byte[] out = s.normal;
    int len = 0;
    boolean space = false;
    for (int i = 0; i < n; i++) {
      char c = caption.charAt(i);
      if (c >= 0x80) { // rare: do it the general way
        s.sha.update(generalNormal(caption).getBytes(StandardCharsets.UTF_8));
        digestInto(s);
        return;
      }
      if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) {
        space = len > 0;
      } else {
        if (space) {
          out[len++] = ' ';
          space = false;
        }
        out[len++] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
    }
    s.sha.update(out, 0, len);
    digestInto(s);
  }

  /**
   * The normalised caption of the general (non-ASCII) case: stripped, lower-cased in the root locale,
   * each run of {@code [ \t\n\x0B\f\r]} replaced by one space. Exactly {@code String.join(" ",
   * caption.strip().toLowerCase(Locale.ROOT).split("\\s+"))}, the definition the digests of existing
   * memories were made with, without compiling a regular expression per caption.
   */
  static String generalNormal(String caption) {
    String t = caption.strip().toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(t.length());
    boolean space = false;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r') {
        space = true;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static void digestInto(Scratch s) {
    try {
      s.sha.digest(s.digest, 0, 32);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    return newSha256().digest(data);
  }
}
