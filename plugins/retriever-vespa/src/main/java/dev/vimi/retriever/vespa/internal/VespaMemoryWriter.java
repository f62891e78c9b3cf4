package dev.vimi.retriever.vespa.internal;

import ai.vespa.feed.client.DocumentId;
import ai.vespa.feed.client.FeedClient;
import ai.vespa.feed.client.FeedClientBuilder;
import ai.vespa.feed.client.FeedException;
import ai.vespa.feed.client.OperationParameters;
import ai.vespa.feed.client.Result;
import ai.vespa.feed.client.ResultException;
import ai.vespa.feed.client.impl.GracePeriodCircuitBreaker;
import dev.vimi.retriever.vespa.FeedReport;
import dev.vimi.retriever.vespa.VespaFeedException;
import dev.vimi.spi.BackendException;
import dev.vimi.spi.ImageTextPair;
import dev.vimi.spi.IngestReport;
import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MemoryWriter;
import dev.vimi.spi.RejectionTally;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds image-text pairs into a Vespa cluster through {@code vespa-feed-client} (HTTP/2, its dynamic
 * throttling, its retry strategy and its circuit breaker), as documents of the vimi application
 * package.
 *
 * <p><b>Asynchronous.</b> {@link #add} hands the pair to the feed and returns at once (it blocks only
 * while the feed client throttles); {@link #commit} waits until Vespa has answered for every pair
 * added so far. A pair Vespa acknowledged is durable and searchable.
 *
 * <p><b>Duplicates.</b> Each pair is written with a conditional put ({@code condition=false},
 * {@code create=true}): Vespa writes it only if no document with its id exists, so that an
 * interrupted ingest can be resumed by adding everything again. Because the feed is asynchronous,
 * {@link #add} cannot know at call time whether the id exists in the cluster: it returns {@code true}
 * for every pair it accepted, and duplicates are counted in {@link FeedReport#duplicates()} when Vespa
 * answers.
 *
 * <p><b>Nothing silently lost.</b> Every pair ends up in {@link #feedReport()} as landed, duplicate or
 * failed (with Vespa's reason), and in the SPI's {@link #report()} as added, duplicate or rejected (by
 * reason; a pair refused by {@link #add} itself, such as one with decoded pixels, is rejected there too). {@link #commit} and {@link #close} throw a {@link VespaFeedException}
 * that lists the pairs that did not land since the previous commit. The circuit breaker
 * ({@code feed.grace-ms}, {@code feed.doom-ms}) stops a feed that keeps failing: once it is open,
 * {@link #add} throws instead of sending; so does it after {@code feed.max-failures} failed pairs.
 *
 * <p><b>Thread-safety.</b> {@link #add} may be called from several threads; {@link #commit} and
 * {@link #close} must not race with each other. <b>Ownership.</b> The caller closes the writer; closing
 * commits and releases the connections.
 */
public final class VespaMemoryWriter implements MemoryWriter {
  private static final Logger LOG = LoggerFactory.getLogger(VespaMemoryWriter.class);
  private static final java.time.Duration FEED_CLOSE_WAIT = java.time.Duration.ofSeconds(10);

  private final VespaSettings settings;
  private final QueryClient queryClient;
  private final FeedClient feed;
  private final OperationParameters putIfAbsent;
  private final long initialCount;
  private final AtomicLong submitted = new AtomicLong();
  private final AtomicLong landed = new AtomicLong();
  private final AtomicLong duplicates = new AtomicLong();
  private final ConcurrentLinkedQueue<FeedReport.FailedPair> failed = new ConcurrentLinkedQueue<>();
  private final AtomicLong failedCount = new AtomicLong();
  private final RejectionTally rejections = new RejectionTally();
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Number of entries of {@link #failed} already reported by a commit. */
  private long reportedFailures;

  VespaMemoryWriter(VespaSettings settings) {
    this.settings = settings;
    this.queryClient = new QueryClient(settings);
    FeedClient client = null;
    try {
      // also proves that the cluster answers and the schema is deployed before the feed starts
      this.initialCount = VespaRetriever.count(queryClient, settings);
      queryClient.checkDocumentApi(settings.feedEndpoint());
      client = buildFeedClient(settings);
    } catch (RuntimeException e) {
      queryClient.close();
      throw e;
    }
    this.feed = client;
    this.putIfAbsent =
        OperationParameters.empty()
            .testAndSetCondition("false")
            .createIfNonExistent(true)
            .timeout(settings.feed().operationTimeout());
    LOG.info(
        "feeding {} documents to {} ({} pairs there already)",
        settings.documentType(),
        settings.feedEndpoint(),
        initialCount);
  }

  private static FeedClient buildFeedClient(VespaSettings settings) {
    VespaSettings.Feed f = settings.feed();
    FeedClientBuilder b =
        FeedClientBuilder.create(settings.feedEndpoint())
            .setConnectionsPerEndpoint(f.connections())
            .setMaxStreamPerConnection(f.maxStreams())
            .setRetryStrategy(
                new FeedClient.RetryStrategy() {
                  @Override
                  public int retries() {
                    return f.retries();
                  }
                })
            .setCircuitBreaker(new GracePeriodCircuitBreaker(f.grace(), f.doom()))
            .setCompression(FeedClientBuilder.Compression.valueOf(f.compression()));
    VespaSettings.Auth auth = settings.auth();
    if (auth.customTls()) {
      b.setSslContext(Pem.sslContext(auth.certificate(), auth.privateKey(), auth.caCertificates()));
    }
    if (auth.token() != null) {
      b.addRequestHeader("Authorization", "Bearer " + auth.token());
    }
    try {
      return b.build();
    } catch (FeedException | UncheckedIOException e) {
      SSLException tls = QueryClient.tlsCause(e);
      if (tls != null) {
        throw new BackendException(QueryClient.tlsMessage(tls, settings.feedEndpoint()), e);
      }
      throw new BackendException(
          "cannot open a feed to Vespa's document API at "
              + settings.feedEndpoint()
              + ": "
              + e.getMessage()
              + "; check feed-endpoint (the container cluster with <document-api/>) and that it speaks HTTP/2",
          e);
    }
  }

  /**
   * Sends the pair to Vespa. Returns {@code true} once the pair is accepted for feeding; whether it
   * landed or was a duplicate shows in {@link #report()} (and {@link #feedReport()}) after {@link #commit()}.
   *
   * @throws VespaFeedException if the feed has been stopped (circuit breaker open, or more than
   *     {@code feed.max-failures} pairs failed)
   * @throws dev.vimi.spi.InvalidInputException if the pair cannot be stored (decoded pixels as image)
   */
  @Override
  public boolean add(ImageTextPair pair) {
    Objects.requireNonNull(pair, "pair");
    if (closed.get()) {
      throw new IllegalStateException("this Vespa memory writer of " + settings.feedEndpoint() + " is closed");
    }
    stopIfHopeless();
    String document;
    try {
      document = VespaDocuments.documentJson(queryClient.json(), pair);
    } catch (InvalidInputException e) {
      rejections.record("image".equals(e.field()) ? "decoded-pixel images" : e.getMessage(), pair.id());
      throw e;
    }
    DocumentId id = DocumentId.of(settings.namespace(), settings.documentType(), pair.id());
    submitted.incrementAndGet();
    CompletableFuture<Result> put;
    try {
      put = feed.put(id, document, putIfAbsent);
    } catch (RuntimeException e) {
      // recorded, so that commit() lists it with the others
      fail(pair.id(), "not sent: " + e.getMessage());
      throw new BackendException("the feed client refused pair '" + pair.id() + "': " + e.getMessage(), e);
    }
    CompletableFuture<Void> done = put.handle((result, error) -> record(pair.id(), result, error));
    pending.add(done);
    done.whenComplete((v, e) -> pending.remove(done));
    return true;
  }

  private Void record(String id, Result result, Throwable error) {
    if (error == null) {
      if (result.type() == Result.Type.success) {
        landed.incrementAndGet();
      } else {
        duplicates.incrementAndGet();
      }
      return null;
    }
    fail(id, reason(error));
    return null;
  }

  private void fail(String id, String reason) {
    failed.add(new FeedReport.FailedPair(id, reason));
    rejections.record(reason, id);
    failedCount.incrementAndGet();
  }

  private String reason(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    String message = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.concurrent.TimeoutException) {
        message =
            "timed out: no answer within feed.timeout-ms="
                + settings.feed().operationTimeout().toMillis()
                + " ms ("
                + t.getMessage()
                + ")";
        break;
      }
    }
    if (e instanceof FeedException fe && fe.documentId().isPresent() && message != null) {
      String prefix = "(" + fe.documentId().get() + ") ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
    }
    if (message == null || message.isBlank()) {
      message = e.getClass().getName();
    }
    if (e instanceof ResultException re && re.getTrace().isPresent()) {
      message += " [trace " + re.getTrace().get() + "]";
    }
    if (feed.circuitBreakerState() == FeedClient.CircuitBreaker.State.OPEN) {
      message += " (feed stopped: circuit breaker open)";
    }
    return message;
  }

  private void stopIfHopeless() {
    if (feed.circuitBreakerState() == FeedClient.CircuitBreaker.State.OPEN) {
      throw new VespaFeedException(
          "the feed to "
              + settings.feedEndpoint()
              + " was stopped: the circuit breaker opened after no write succeeded for "
              + settings.feed().doom().toMillis()
              + " ms (feed.doom-ms); fix the cluster and resume the ingest, which skips pairs that landed",
          feedReport(),
          unreported());
    }
    int max = settings.feed().maxFailures();
    if (max > 0 && failedCount.get() >= max) {
      throw new VespaFeedException(
          "the feed to "
              + settings.feedEndpoint()
              + " was stopped after "
              + failedCount.get()
              + " pairs failed (feed.max-failures="
              + max
              + ")",
          feedReport(),
          unreported());
    }
  }

  /** Waits until Vespa has answered for every pair added so far. */
  private void drain() {
    while (!pending.isEmpty()) {
      List<CompletableFuture<Void>> snapshot = new ArrayList<>(pending);
      try {
        CompletableFuture.allOf(snapshot.toArray(new CompletableFuture<?>[0])).join();
      } catch (CompletionException e) {
        // record() never fails; nothing to do
      }
    }
  }

  private synchronized List<FeedReport.FailedPair> unreported() {
    List<FeedReport.FailedPair> all = new ArrayList<>(failed);
    List<FeedReport.FailedPair> fresh = all.subList((int) Math.min(reportedFailures, all.size()), all.size());
    reportedFailures = all.size();
    return List.copyOf(fresh);
  }

  /**
   * Waits until Vespa has answered for every pair added so far; then those that landed are durable
   * and searchable.
   *
   * @throws VespaFeedException listing the pairs that did not land since the previous commit
   */
  @Override
  public void commit() {
    drain();
    List<FeedReport.FailedPair> fresh = unreported();
    if (!fresh.isEmpty()) {
      throw new VespaFeedException("not every pair landed in Vespa at " + settings.feedEndpoint(), feedReport(), fresh);
    }
  }

  /** The memory's size when this writer opened plus the pairs that landed since (duplicates excluded). */
  @Override
  public long count() {
    return initialCount + landed.get();
  }

  /**
   * What this writer has done so far, in the SPI's terms: landed pairs are added, failed ones rejected
   * with Vespa's (or the transport's) reason. {@link #feedReport()} has the feed's own account.
   */
  @Override
  public IngestReport report() {
    return new IngestReport(initialCount, landed.get(), duplicates.get(), rejections.snapshot(), pending.size());
  }

  /** The account of the feed so far: submitted, landed, duplicates, pending, each failed pair, the breaker. */
  public FeedReport feedReport() {
    return new FeedReport(
        submitted.get(),
        landed.get(),
        duplicates.get(),
        pending.size(),
        new ArrayList<>(failed),
        feed.circuitBreakerState() == FeedClient.CircuitBreaker.State.OPEN);
  }

  /** Commits, logs the account, and closes the connections. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      commit();
    } finally {
      try {
        closeFeedClient();
      } finally {
        queryClient.close();
      }
      LOG.info("feed to {} closed: {}", settings.feedEndpoint(), feedReport().summary());
    }
  }

  /**
   * Closes the feed client, waiting at most {@link #FEED_CLOSE_WAIT}. Everything has been answered by
   * then (commit drained the feed), but vespa-feed-client 8.600.35 can, rarely, take a minute to stop
   * its internal executor on close (seen once in about thirty command-line runs); the caller should
   * not wait for that.
   */
  private void closeFeedClient() {
    Thread closer = new Thread(feed::close, "vimi-vespa-feed-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(FEED_CLOSE_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      LOG.warn(
          "vespa-feed-client did not shut down within {} s; going on (every pair was answered; its threads end"
              + " on their own within a minute)",
          FEED_CLOSE_WAIT.toSeconds());
    }
  }
}
