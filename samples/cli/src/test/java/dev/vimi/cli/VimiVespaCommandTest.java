package dev.vimi.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vimi memory ... --retriever vespa --endpoint URL}: search and stats against a loopback server
 * that answers Vespa's query API with the documented JSON shape (the plugin's own tests cover feeding
 * and faults against a full fake cluster), and the option checks.
 */
class VimiVespaCommandTest {
  @TempDir Path dir;
  private final List<JsonNode> queries = new CopyOnWriteArrayList<>();

  record Run(int code, String out, String err) {}

  private static Run vimi(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VimiCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private ServerSocket server;
  private Thread acceptor;

  /** A minimal HTTP/1.1 server (java.base only) answering POST /search/ with Vespa's result shape. */
  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                  answer(s);
                } catch (IOException e) {
                  // closed at the end of the test, or the client went away
                }
              }
            },
            "fake-vespa-query-api");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void answer(Socket s) throws IOException {
    BufferedInputStream in = new BufferedInputStream(s.getInputStream());
    int length = 0;
    for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    JsonNode q = new ObjectMapper().readTree(in.readNBytes(length));
    queries.add(q);
    String body =
        q.path("hits").asInt() == 0
            ? "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0,\"fields\":{\"totalCount\":1911},"
                + "\"coverage\":{\"coverage\":100,\"documents\":1911,\"full\":true,\"nodes\":1,\"results\":1,\"resultsFull\":1}}}"
            : "{\"root\":{\"id\":\"toplevel\",\"relevance\":1.0,\"fields\":{\"totalCount\":2},"
                + "\"coverage\":{\"coverage\":100,\"documents\":1911,\"full\":true,\"nodes\":1,\"results\":1,\"resultsFull\":1},"
                + "\"children\":["
                + "{\"id\":\"id:vimi:vimi_pair::emoji-1f3c4\",\"relevance\":7.25,\"source\":\"vimi_memory\","
                + "\"fields\":{\"pair_id\":\"emoji-1f3c4\",\"caption\":\"person surfing\",\"image_kind\":\"uri\",\"image_ref\":\"https://example.org/1f3c4.png\"}},"
                + "{\"id\":\"id:vimi:vimi_pair::emoji-1f415\",\"relevance\":3.5,\"source\":\"vimi_memory\","
                + "\"fields\":{\"pair_id\":\"emoji-1f415\",\"caption\":\"dog\"}}]}}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    OutputStream out = s.getOutputStream();
    out.write(
        ("HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: " + bytes.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    acceptor.join();
  }

  private String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  @Test
  void searchAndStatsAskTheCluster() {
    Run search = vimi("memory", "search", "--retriever", "vespa", "--endpoint", endpoint(), "-k", "2", "--exclude", "p9", "dog", "surfing");
    assertThat(search.code()).as(search.err()).isZero();
    assertThat(search.out()).contains("person surfing").contains("emoji-1f3c4").contains("https://example.org/1f3c4.png").contains("7.250");
    assertThat(search.err()).doesNotContain("embedded emoji memory");
    JsonNode q = queries.get(0);
    assertThat(q.path("query").asText()).isEqualTo("dog surfing");
    assertThat(q.path("hits").asInt()).isEqualTo(2);
    assertThat(q.path("yql").asText()).contains("where userQuery() and !(pair_id contains \"p9\")");

    Run stats = vimi("memory", "stats", "--retriever", "vespa", "--endpoint", endpoint());
    assertThat(stats.code()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("Vespa at " + endpoint()).contains("pairs:           1,911");
  }

  @Test
  void optionMistakesAreOneClearLine() {
    Run noEndpoint = vimi("memory", "search", "--retriever", "vespa", "dog");
    assertThat(noEndpoint.code()).isEqualTo(2);
    assertThat(noEndpoint.err()).contains("--retriever vespa needs --endpoint URL");

    Run both = vimi("memory", "stats", "--retriever", "vespa", "--endpoint", endpoint(), "--memory", dir.toString());
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("with --retriever vespa the memory is the cluster at --endpoint");

    Run unknown = vimi("memory", "search", "--retriever", "solr", "dog");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("No retriever provider named 'solr'").contains("lucene").contains("vespa");

    Run noMemory = vimi("memory", "ingest", "pairs.jsonl");
    assertThat(noMemory.code()).isEqualTo(2);
    assertThat(noMemory.err()).contains("--memory DIR is required");
  }

  @Test
  void credentialsComeFromTheVespaCliEnvironmentOnHttpsOnly() {
    Map<String, String> env =
        Map.of(
            "VESPA_CLI_DATA_PLANE_TOKEN", "tok",
            "VESPA_CLI_DATA_PLANE_CERT_FILE", "/keys/cert.pem",
            "VESPA_CLI_DATA_PLANE_KEY_FILE", "/keys/key.pem",
            "VESPA_TLS_CA_CERT", "/keys/ca.pem",
            "HOME", "/root");
    assertThat(VespaMemory.config("https://app.example.org", env).asMap())
        .containsEntry("endpoint", "https://app.example.org")
        .containsEntry("auth.token", "tok")
        .containsEntry("tls.certificate", "/keys/cert.pem")
        .containsEntry("tls.private-key", "/keys/key.pem")
        .containsEntry("tls.ca-certificates", "/keys/ca.pem")
        .hasSize(5);
    assertThat(VespaMemory.config("http://localhost:8080", env).asMap()).containsOnlyKeys("endpoint");
  }

  @Test
  void ingestIntoAClusterThatIsDownFailsClearly() throws IOException {
    Path pairs = Files.writeString(dir.resolve("pairs.jsonl"), "{\"id\":\"p1\",\"caption\":\"a dog surfing\"}\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = vimi("memory", "ingest", "--retriever", "vespa", "--endpoint", "http://127.0.0.1:" + port, pairs.toString(), "--progress", "none");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("vimi: error:").contains("cannot connect").contains("http://127.0.0.1:" + port);
  }
}
