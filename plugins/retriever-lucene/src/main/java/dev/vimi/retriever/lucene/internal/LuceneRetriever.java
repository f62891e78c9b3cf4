package dev.vimi.retriever.lucene.internal;

import dev.vimi.retriever.lucene.LuceneMemoryConfig;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.MultiTerms;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * BM25 top-K over a Lucene memory.
 *
 * <p>A retriever searches the commit that was the latest when it opened (a point-in-time snapshot:
 * the same query always gives the same hits); open a new one to see later ingests. Hits with equal
 * scores come in ingest order.
 *
 * <p><b>Thread-safety.</b> Safe for concurrent use by any number of threads; one searcher is shared.
 * {@link #retrieveAll} spreads a batch over {@value LuceneMemoryConfig#SEARCH_THREADS} threads of
 * its own, started on first use. <b>Ownership.</b> The caller closes the retriever, which releases
 * the index files and stops those threads. Returned lists are immutable.
 */
public final class LuceneRetriever implements Retriever {
  private final String owner;
  private final Path memoryDir;
  private final FSDirectory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final Analyzer analyzer;
  private final String analyzerName;
  private final int searchThreads;
  private final Object lazyLock = new Object();
  private ExecutorService pool;
  private MemoryStats stats;
  private volatile boolean closed;

  private LuceneRetriever(
      LuceneMemoryConfig config, String owner, FSDirectory directory, DirectoryReader reader, String analyzerName) {
    this.owner = owner;
    this.memoryDir = config.indexDir();
    this.directory = directory;
    this.reader = reader;
    this.analyzerName = analyzerName;
    this.analyzer = Analyzers.create(owner, analyzerName);
    this.searchThreads = config.searchThreads();
    this.searcher = new IndexSearcher(reader);
    searcher.setSimilarity(new BM25Similarity((float) config.k1(), (float) config.b()));
    searcher.setQueryCache(null); // every caption is a new query: caching costs and never pays off
  }

  /**
   * Opens the memory at {@code config.indexDir()} for searching.
   *
   * @throws dev.vimi.spi.ConfigurationException if there is no memory there, it is damaged (a file's
   *     checksum is compared as {@link LuceneMemoryConfig#verifyOnOpen()} says), or the configured
   *     analyzer differs from the one it was built with
   */
  public static LuceneRetriever open(LuceneMemoryConfig config, String owner) {
    Path memoryDir = config.indexDir();
    MemoryLayout.requireMemory(owner, memoryDir);
    FSDirectory dir = null;
    DirectoryReader reader = null;
    try {
      dir = FSDirectory.open(MemoryLayout.luceneDir(memoryDir));
      try {
        reader = DirectoryReader.open(dir);
      } catch (IOException e) {
        throw MemoryLayout.openFailure(owner, memoryDir, e);
      }
      Map<String, String> data = reader.getIndexCommit().getUserData();
      MemoryLayout.checkUserData(owner, memoryDir, data);
      MemoryIntegrity.verifyOnOpen(owner, memoryDir, dir, reader, config.verifyOnOpen());
      String analyzerName =
          MemoryLayout.resolveAnalyzer(owner, memoryDir, config.analyzer(), data.get(MemoryLayout.DATA_ANALYZER));
      return new LuceneRetriever(config, owner, dir, reader, analyzerName);
    } catch (IOException e) {
      IOUtils.closeWhileHandlingException(reader, dir);
      throw MemoryLayout.openFailure(owner, memoryDir, e);
    } catch (RuntimeException e) {
      IOUtils.closeWhileHandlingException(reader, dir);
      throw e;
    }
  }

  @Override
  public List<RetrievedItem> retrieve(RetrievalQuery query) {
    ensureOpen();
    Query q = Bm25Query.build(analyzer, MemoryLayout.TEXT, query.text());
    int maxDoc = reader.maxDoc();
    if (q == null || maxDoc == 0) {
      return List.of();
    }
    Set<String> excluded = query.excludeIds();
    int n = (int) Math.min((long) query.k() + excluded.size(), maxDoc);
    try {
      TopDocs top = searcher.search(q, new TopScoreDocCollectorManager(n, n));
      List<LeafReaderContext> leaves = reader.leaves();
      List<RetrievedItem> out = new ArrayList<>(Math.min(query.k(), top.scoreDocs.length));
      for (ScoreDoc sd : top.scoreDocs) {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
        int doc = sd.doc - leaf.docBase;
        BinaryDocValues pairs = DocValues.getBinary(leaf.reader(), MemoryLayout.PAIR);
        if (!pairs.advanceExact(doc)) {
          throw new BackendException(owner + ": document " + sd.doc + " of " + memoryDir + " has no stored pair; re-ingest the memory");
        }
        BytesRef data = pairs.binaryValue();
        if (!excluded.isEmpty() && excluded.contains(PairCodec.id(data))) {
          continue;
        }
        PairCodec.Stored p = PairCodec.decode(data, memoryDir, () -> inlineImage(leaf, doc));
        out.add(new RetrievedItem(p.id(), p.caption(), p.image(), sd.score));
        if (out.size() == query.k()) {
          break;
        }
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new BackendException(owner + ": searching " + memoryDir + " failed: " + e, e);
    }
  }

  private static byte[] inlineImage(LeafReaderContext leaf, int doc) throws IOException {
    ImageVisitor v = new ImageVisitor();
    leaf.reader().storedFields().document(doc, v);
    return v.data;
  }

  /** The results of each query, in order, computed on this retriever's search threads. */
  @Override
  public List<List<RetrievedItem>> retrieveAll(List<RetrievalQuery> queries) {
    ensureOpen();
    int n = queries.size();
    if (n <= 1 || searchThreads == 1) {
      return Retriever.super.retrieveAll(queries);
    }
    @SuppressWarnings("unchecked")
    List<RetrievedItem>[] results = (List<RetrievedItem>[]) new List<?>[n];
    int slices = Math.min(n, searchThreads * 4);
    ExecutorService p = pool();
    List<Future<?>> futures = new ArrayList<>(slices);
    for (int s = 0; s < slices; s++) {
      int from = (int) ((long) n * s / slices);
      int to = (int) ((long) n * (s + 1) / slices);
      futures.add(
          p.submit(
              () -> {
                for (int i = from; i < to; i++) {
                  results[i] = retrieve(queries.get(i));
                }
              }));
    }
    try {
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new BackendException(owner + ": interrupted while retrieving a batch", e);
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new BackendException(owner + ": batch retrieval failed: " + e.getCause(), e.getCause());
    }
    return List.of(results);
  }

  private ExecutorService pool() {
    synchronized (lazyLock) {
      ensureOpen();
      if (pool == null) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory tf =
            r -> {
              Thread t = new Thread(r, "vimi-lucene-search-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            };
        pool = Executors.newFixedThreadPool(searchThreads, tf);
      }
      return pool;
    }
  }

  /**
   * Pairs, distinct terms of the BM25 field, and bytes of the memory folder (index and image files);
   * details: the memory folder ({@link MemoryStats#MEMORY}) and the analyzer ({@link
   * MemoryStats#ANALYZER}). Computed once: the retriever sees a fixed snapshot.
   */
  @Override
  public MemoryStats stats() {
    synchronized (lazyLock) {
      ensureOpen();
      if (stats == null) {
        try {
          java.util.Map<String, String> details = new java.util.LinkedHashMap<>();
          details.put(MemoryStats.MEMORY, memoryDir.toString());
          details.put(MemoryStats.ANALYZER, analyzerName);
          stats = new MemoryStats(reader.numDocs(), distinctTerms(), bytesOnDisk(memoryDir), details);
        } catch (IOException e) {
          throw new UncheckedIOException(owner + ": cannot compute the statistics of " + memoryDir, e);
        }
      }
      return stats;
    }
  }

  /** The analyzer the memory was built with and queries are analysed with. */
  public String analyzerName() {
    return analyzerName;
  }

  /** The memory folder. */
  public Path memoryDir() {
    return memoryDir;
  }

  private long distinctTerms() throws IOException {
    if (reader.leaves().size() == 1) {
      Terms t = reader.leaves().get(0).reader().terms(MemoryLayout.TEXT);
      if (t != null && t.size() >= 0) {
        return t.size();
      }
    }
    Terms terms = MultiTerms.getTerms(reader, MemoryLayout.TEXT);
    if (terms == null) {
      return 0;
    }
    long n = 0;
    TermsEnum te = terms.iterator();
    while (te.next() != null) {
      n++;
    }
    return n;
  }

  static long bytesOnDisk(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0; // a file removed while walking (a merge) no longer counts
                }
              })
          .sum();
    }
  }

  @Override
  public void close() {
    synchronized (lazyLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    IOUtils.closeWhileHandlingException(reader, directory, analyzer);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(owner + ": the retriever of " + memoryDir + " is closed");
    }
  }

  /** Collects the bytes of an inline image. */
  private static final class ImageVisitor extends StoredFieldVisitor {
    byte[] data;

    @Override
    public Status needsField(FieldInfo fieldInfo) {
      if (data != null) {
        return Status.STOP;
      }
      return MemoryLayout.IMAGE_BYTES.equals(fieldInfo.name) ? Status.YES : Status.NO;
    }

    @Override
    public void binaryField(FieldInfo fieldInfo, byte[] value) {
      data = value;
    }
  }
}
