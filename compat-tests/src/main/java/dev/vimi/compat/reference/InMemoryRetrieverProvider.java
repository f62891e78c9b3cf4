package dev.vimi.compat.reference;

import dev.vimi.spi.BackendException;
import dev.vimi.spi.ConfigurationException;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.MemoryStats;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.ProviderConfig;
import dev.vimi.spi.SelfTestSetup;
import dev.vimi.spi.RetrievalQuery;
import dev.vimi.spi.RetrievedItem;
import dev.vimi.spi.Retriever;
import dev.vimi.spi.RetrieverProvider;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Provider {@code in-memory}: a small, exact BM25 retriever held entirely in memory and persisted as
 * a TSV file. It is the reference implementation of the retriever contract and is meant for tests
 * and tiny memories; use {@code lucene} for anything large.
 *
 * <p>Configuration: {@code file} (the TSV file; required), {@code k1} (default 1.2) and {@code b}
 * (default 0.75). Images are kept as references (path, URI), encoded bytes or decoded pixels. Tokens are maximal runs of letters and digits, lower-cased; no stemming. Ties are
 * broken by id so that results are deterministic.
 */
public final class InMemoryRetrieverProvider implements RetrieverProvider {
  public static final String NAME = "in-memory";

  @Override
  public String name() {
    return NAME;
  }

  /** -100: a reference provider is never preferred over a real one. */
  @Override
  public int priority() {
    return -100;
  }

  @Override
  public String description() {
    return "exact in-memory BM25 over a TSV file (reference for tests)";
  }

  @Override
  public Retriever open(ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    Path file = config.requirePath("file");
    if (!Files.isRegularFile(file)) {
      throw new ConfigurationException(
          config.owner() + ": memory file " + file + " does not exist; create it with openWriter or point 'file' at it");
    }
    return new InMemoryRetriever(load(file), config.getDouble("k1", 1.2), config.getDouble("b", 0.75));
  }

  /** The keys this provider reads; any other is refused with a "did you mean". */
  private static final List<String> KEYS = List.of("file", "k1", "b");

  @Override
  public MemoryWriter openWriter(ProviderConfig config) {
    config.requireKnownKeys(KEYS);
    Path file = config.requirePath("file");
    Map<String, ImageTextPair> pairs = Files.isRegularFile(file) ? load(file) : new LinkedHashMap<>();
    return new Writer(file, pairs);
  }

  @Override
  public Optional<SelfTestSetup> selfTest(Path workDir) {
    return Optional.of(
        SelfTestSetup.of(ProviderConfig.of("retriever " + NAME, Map.of("file", workDir.resolve("memory.tsv").toString()))));
  }

  static List<String> tokens(String text) {
    List<String> out = new ArrayList<>();
    for (String t : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  private static String clean(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  private static String encodeImage(ImageRef image) {
    if (image == null) {
      return "";
    }
    return switch (image) {
      case ImageRef.OfPath p -> "path:" + p.path();
      case ImageRef.OfUri u -> "uri:" + u.uri();
      case ImageRef.OfBytes b -> "bytes:" + Base64.getEncoder().encodeToString(b.data());
      case ImageRef.OfPixels px -> {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * px.argb().length);
        buf.asIntBuffer().put(px.argb());
        yield "pixels:" + px.width() + "x" + px.height() + ":" + Base64.getEncoder().encodeToString(buf.array());
      }
    };
  }

  private static ImageRef decodeImage(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (s.startsWith("path:")) {
      return ImageRef.of(Path.of(s.substring(5)));
    }
    if (s.startsWith("uri:")) {
      return ImageRef.of(URI.create(s.substring(4)));
    }
    if (s.startsWith("bytes:")) {
      return ImageRef.ofBytes(Base64.getDecoder().decode(s.substring(6)));
    }
    if (s.startsWith("pixels:")) {
      String[] f = s.substring(7).split("[x:]", 3);
      int[] argb = new int[Integer.parseInt(f[0]) * Integer.parseInt(f[1])];
      java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(f[2])).asIntBuffer().get(argb);
      return new ImageRef.OfPixels(Integer.parseInt(f[0]), Integer.parseInt(f[1]), argb);
    }
    throw new IllegalArgumentException("unknown image reference '" + s + "'");
  }

  private static Map<String, ImageTextPair> load(Path file) {
    Map<String, ImageTextPair> pairs = new LinkedHashMap<>();
    try {
      int lineNo = 0;
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 4) {
          throw new BackendException(file + ":" + lineNo + ": expected 4 tab-separated fields but found " + f.length);
        }
        List<String> keywords = f[2].isEmpty() ? List.of() : List.of(f[2].split(","));
        try {
          pairs.put(f[0], new ImageTextPair(f[0], f[1], keywords, decodeImage(f[3])));
        } catch (IllegalArgumentException e) {
          throw new BackendException(file + ":" + lineNo + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new BackendException("cannot read memory file " + file + ": " + e.getMessage(), e);
    }
    return pairs;
  }

  /**
   * Durable on commit: the whole file is rewritten to a temporary sibling and moved into place. Takes
   * every pair (pixels included), so nothing is ever rejected. Thread-safe by one lock.
   */
  private static final class Writer implements MemoryWriter {
    private final Path file;
    private final Map<String, ImageTextPair> pairs;
    private final long pairsAtOpen;
    private long added;
    private long duplicates;
    private boolean closed;

    Writer(Path file, Map<String, ImageTextPair> pairs) {
      this.file = file;
      this.pairs = pairs;
      this.pairsAtOpen = pairs.size();
    }

    @Override
    public synchronized boolean add(ImageTextPair pair) {
      Objects.requireNonNull(pair, "pair");
      if (closed) {
        throw new IllegalStateException("the writer of " + file + " is closed");
      }
      if (pairs.putIfAbsent(pair.id(), pair) != null) {
        duplicates++;
        return false;
      }
      added++;
      return true;
    }

    @Override
    public synchronized IngestReport report() {
      return new IngestReport(pairsAtOpen, added, duplicates, List.of(), 0);
    }

    @Override
    public synchronized void commit() {
      try {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          for (ImageTextPair p : pairs.values()) {
            w.write(clean(p.id()) + "\t" + clean(p.caption()) + "\t" + clean(String.join(",", p.keywords())) + "\t" + encodeImage(p.image()));
            w.newLine();
          }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new BackendException("cannot write memory file " + file + ": " + e.getMessage(), e);
      }
    }

    @Override
    public synchronized long count() {
      return pairs.size();
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        commit();
        closed = true;
      }
    }
  }

  /** Immutable after construction, hence thread-safe. */
  private static final class InMemoryRetriever implements Retriever {
    private final List<ImageTextPair> docs;
    private final List<Map<String, Integer>> termFreqs;
    private final int[] lengths;
    private final Map<String, Integer> docFreq = new HashMap<>();
    private final double avgLength;
    private final double k1;
    private final double b;

    InMemoryRetriever(Map<String, ImageTextPair> pairs, double k1, double b) {
      this.docs = List.copyOf(pairs.values());
      this.k1 = k1;
      this.b = b;
      this.termFreqs = new ArrayList<>(docs.size());
      this.lengths = new int[docs.size()];
      long total = 0;
      for (int i = 0; i < docs.size(); i++) {
        ImageTextPair p = docs.get(i);
        List<String> toks = tokens(p.caption() + " " + String.join(" ", p.keywords()));
        Map<String, Integer> tf = new HashMap<>();
        toks.forEach(t -> tf.merge(t, 1, Integer::sum));
        tf.keySet().forEach(t -> docFreq.merge(t, 1, Integer::sum));
        termFreqs.add(tf);
        lengths[i] = toks.size();
        total += toks.size();
      }
      avgLength = docs.isEmpty() ? 1 : (double) total / docs.size();
    }

    @Override
    public List<RetrievedItem> retrieve(RetrievalQuery query) {
      List<String> q = tokens(query.text());
      int n = docs.size();
      List<RetrievedItem> hits = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ImageTextPair p = docs.get(i);
        if (query.excludeIds().contains(p.id())) {
          continue;
        }
        double score = 0;
        boolean matched = false;
        for (String t : q) {
          Integer f = termFreqs.get(i).get(t);
          if (f == null) {
            continue;
          }
          matched = true;
          int df = docFreq.get(t);
          double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
          score += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[i] / avgLength));
        }
        if (matched) {
          hits.add(new RetrievedItem(p.id(), p.caption(), p.image(), (float) score));
        }
      }
      hits.sort((x, y) -> x.score() != y.score() ? Float.compare(y.score(), x.score()) : x.id().compareTo(y.id()));
      return Collections.unmodifiableList(new ArrayList<>(hits.subList(0, Math.min(query.k(), hits.size()))));
    }

    @Override
    public MemoryStats stats() {
      return new MemoryStats(docs.size(), docFreq.size(), -1);
    }

    @Override
    public void close() {
      // nothing to release
    }
  }
}
