package dev.vimi.retriever.lucene.internal;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.MemoryCheck;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FilterLeafReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detects damaged memories. Lucene keeps a CRC32 checksum in the footer of every file; opening an
 * index checks only the small metadata files and the footers' shape (so a truncated file is caught,
 * a flipped byte inside the data is not). {@link #verifyOnOpen} compares the checksums of every file
 * when that is cheap; {@link #check} is the full check behind {@code vimi memory verify}: checksums,
 * Lucene's {@link CheckIndex} decoding of every structure, and the SHA-256 names of the image files.
 *
 * <p>Stateless; thread-safe.
 */
final class MemoryIntegrity {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryIntegrity.class);

  /** Largest index that {@link LuceneMemoryConfig.VerifyOnOpen#AUTO} verifies on open (reading it costs well under a second). */
  static final long AUTO_LIMIT_BYTES = 256L << 20;

  private static final Pattern SEGMENT_FILE = Pattern.compile("(?<![\\w.])(_[a-z0-9]+(?:_[A-Za-z0-9]+_[a-z0-9]+)?\\.[a-z]{2,4})\\b");
  private static final Pattern IMAGE_NAME = Pattern.compile("([0-9a-f]{64})\\.[a-z0-9]+");

  private MemoryIntegrity() {}

  /**
   * Compares the checksum of every file of the commit {@code reader} sees, as {@code policy} says.
   *
   * @throws ConfigurationException naming the damaged files and what to do
   */
  static void verifyOnOpen(String owner, Path memoryDir, Directory dir, DirectoryReader reader, LuceneMemoryConfig.VerifyOnOpen policy)
      throws IOException {
    if (policy == LuceneMemoryConfig.VerifyOnOpen.NEVER) {
      return;
    }
    long bytes = 0;
    for (String f : reader.getIndexCommit().getFileNames()) {
      bytes += dir.fileLength(f);
    }
    if (policy == LuceneMemoryConfig.VerifyOnOpen.AUTO && bytes > AUTO_LIMIT_BYTES) {
      LOG.info(
          "{}: the memory at {} holds {} MiB of index; its checksums are not compared on open (verify.on.open=auto stops at {} MiB)."
              + " After copying it, check it once with `vimi memory verify`",
          owner, memoryDir, bytes >> 20, AUTO_LIMIT_BYTES >> 20);
      return;
    }
    long start = System.nanoTime();
    for (LeafReaderContext leaf : reader.leaves()) {
      LeafReader r = FilterLeafReader.unwrap(leaf.reader());
      if (!(r instanceof SegmentReader sr)) {
        continue;
      }
      try {
        sr.checkIntegrity();
      } catch (CorruptIndexException e) {
        List<String> files = damagedFiles(e, sr.getSegmentInfo().files());
        throw new ConfigurationException(
            owner + ": the memory at " + memoryDir + " is damaged: " + describe(e) + " in " + relative(files) + " (segment "
                + sr.getSegmentName() + ", " + String.format(java.util.Locale.ROOT, "%,d", sr.maxDoc()) + " pairs). " + remedy(memoryDir),
            e);
      }
    }
    LOG.debug("{}: checksums of {} MiB compared in {} ms", owner, bytes >> 20, (System.nanoTime() - start) / 1_000_000);
  }

  /** The full check; reads every file. Refuses while a writer holds the memory. */
  static MemoryCheck check(String owner, Path memoryDir) {
    MemoryLayout.requireMemory(owner, memoryDir);
    long start = System.nanoTime();
    List<MemoryCheck.Problem> problems = new ArrayList<>();
    long files = 0;
    long bytes = 0;
    long pairs = -1;
    try (FSDirectory dir = FSDirectory.open(MemoryLayout.luceneDir(memoryDir))) {
      Lock lock;
      try {
        lock = dir.obtainLock(IndexWriter.WRITE_LOCK_NAME);
      } catch (LockObtainFailedException e) {
        throw new ConfigurationException(
            owner + ": an ingest is writing to the memory at " + memoryDir + "; verify it after the ingest has finished", e);
      }
      try (CheckIndex ci = new CheckIndex(dir, lock)) { // closing it releases the lock
        ci.setLevel(CheckIndex.Level.MIN_LEVEL_FOR_INTEGRITY_CHECKS);
        ci.setInfoStream(null);
        ci.setThreadCount(1);
        SegmentInfos infos;
        try {
          infos = SegmentInfos.readLatestCommit(dir);
        } catch (IOException e) {
          throw MemoryLayout.openFailure(owner, memoryDir, e);
        }
        for (String f : infos.files(true)) {
          files++;
          bytes += dir.fileLength(f);
        }
        CheckIndex.Status status = ci.checkIndex();
        long total = 0;
        for (CheckIndex.Status.SegmentInfoStatus s : status.segmentInfos) {
          total += s.maxDoc;
          if (s.error != null) {
            SegmentCommitInfo info = segment(infos, s.name);
            Collection<String> segmentFiles = info == null ? List.of() : info.files();
            problems.add(
                new MemoryCheck.Problem(
                    relativeList(damagedFiles(s.error, segmentFiles)),
                    "segment " + s.name + " (" + String.format(java.util.Locale.ROOT, "%,d", s.maxDoc) + " pairs): " + describe(s.error)));
          }
        }
        if (status.missingSegments) {
          problems.add(new MemoryCheck.Problem(List.of(), "the commit's segments file cannot be read"));
        }
        pairs = total;
      }
    } catch (IOException e) {
      throw MemoryLayout.openFailure(owner, memoryDir, e);
    }
    long[] imageCounts = checkImages(memoryDir, problems);
    files += imageCounts[0];
    bytes += imageCounts[1];
    return new MemoryCheck(
        memoryDir.toString(), pairs, files, bytes, problems, problems.isEmpty() ? "" : remedy(memoryDir),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Each image file under {@code images/} is named by the SHA-256 of its bytes: compare. */
  private static long[] checkImages(Path memoryDir, List<MemoryCheck.Problem> problems) {
    Path images = memoryDir.resolve(MemoryLayout.IMAGES);
    long[] counts = new long[2];
    if (!Files.isDirectory(images)) {
      return counts;
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
    byte[] buf = new byte[1 << 16];
    try (Stream<Path> s = Files.walk(images)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        Matcher m = IMAGE_NAME.matcher(p.getFileName().toString());
        if (!m.matches()) {
          continue; // a temporary file of an interrupted ingest, or a file someone put there
        }
        sha.reset();
        try (InputStream in = Files.newInputStream(p)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            sha.update(buf, 0, n);
            counts[1] += n;
          }
        }
        counts[0]++;
        if (!HexFormat.of().formatHex(sha.digest()).equals(m.group(1))) {
          problems.add(
              new MemoryCheck.Problem(
                  List.of(memoryDir.relativize(p).toString()), "image file content does not match its SHA-256 name"));
        }
      }
    } catch (IOException e) {
      problems.add(new MemoryCheck.Problem(List.of(MemoryLayout.IMAGES), "cannot read the image files: " + e.getMessage()));
    }
    return counts;
  }

  private static SegmentCommitInfo segment(SegmentInfos infos, String name) {
    for (SegmentCommitInfo info : infos) {
      if (info.info.name.equals(name)) {
        return info;
      }
    }
    return null;
  }

  /** The files of a segment that an exception names; all of them if it names none. */
  static List<String> damagedFiles(Throwable error, Collection<String> segmentFiles) {
    Set<String> named = new LinkedHashSet<>();
    for (Throwable t = error; t != null; t = t.getCause()) {
      String msg = String.valueOf(t.getMessage());
      for (String f : segmentFiles) {
        if (msg.contains(f)) {
          named.add(f);
        }
      }
      if (segmentFiles.isEmpty()) {
        Matcher m = SEGMENT_FILE.matcher(msg);
        while (m.find()) {
          named.add(m.group(1));
        }
      }
    }
    List<String> out = new ArrayList<>(named.isEmpty() ? segmentFiles : named);
    out.sort(null);
    return out;
  }

  private static String describe(Throwable e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.startsWith("checksum failed")) {
      return "checksum mismatch";
    }
    int cut = msg.indexOf(" (resource=");
    return (cut > 0 ? msg.substring(0, cut) : msg).strip();
  }

  private static List<String> relativeList(List<String> files) {
    return files.stream().map(f -> MemoryLayout.LUCENE + "/" + f).toList();
  }

  private static String relative(List<String> files) {
    return String.join(", ", relativeList(files));
  }

  static String remedy(Path memoryDir) {
    return "An interrupted ingest never causes this: the files were changed on disk or in a copy. Restore the folder"
        + " from a backup, or delete it and ingest the sources again; `vimi memory verify --memory " + memoryDir
        + "` checks every file";
  }
}
