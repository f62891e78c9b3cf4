package dev.vimi.sample.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/** The HTTP API with the inputs a visitor (or a script) gets wrong, and the queue's limits. */
@WebAppTest
class WebApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Value("${local.server.port}")
  int port;

  record Answer(int status, HttpHeaders headers, JsonNode body) {}

  private RestClient client() {
    return RestClient.create("http://localhost:" + port);
  }

  private Answer post(MultiValueMap<String, Object> form) {
    return client()
        .post()
        .uri("/api/generations")
        .contentType(MediaType.MULTIPART_FORM_DATA)
        .body(form)
        .exchange((req, res) -> new Answer(res.getStatusCode().value(), res.getHeaders(), JSON.readTree(res.getBody())));
  }

  private Answer send(String method, String path) {
    return client().method(org.springframework.http.HttpMethod.valueOf(method)).uri(path)
        .exchange((req, res) -> new Answer(res.getStatusCode().value(), res.getHeaders(), JSON.readTree(res.getBody())));
  }

  private static MultiValueMap<String, Object> form(String... kv) {
    MultiValueMap<String, Object> m = new LinkedMultiValueMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.add(kv[i], kv[i + 1]);
    }
    return m;
  }

  private static ByteArrayResource file(String name, byte[] bytes) {
    return new ByteArrayResource(bytes) {
      @Override
      public String getFilename() {
        return name;
      }
    };
  }

  /** Waits until the job has ended (the queue frees its slot), and returns its final state. */
  private String awaitEnd(String id) throws InterruptedException {
    for (int i = 0; i < 1200; i++) {
      String state = send("GET", "/api/generations/" + id).body().get("state").asText();
      if (state.equals("done") || state.equals("failed") || state.equals("cancelled")) {
        return state;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("generation " + id + " did not end within 2 minutes");
  }

  @Test
  void aMissingPromptIsRefusedWithTheSdksMessage() {
    Answer a = post(form("prompt", "  ", "task", "t2v"));
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body().get("field").asText()).isEqualTo("prompt");
    assertThat(a.body().get("message").asText()).contains("the prompt is empty");
  }

  @Test
  void badNumbersAndAnUnknownTaskAreRefusedByField() {
    Answer steps = post(form("prompt", "a dog", "steps", "many"));
    assertThat(steps.status()).isEqualTo(400);
    assertThat(steps.body().get("field").asText()).isEqualTo("steps");
    assertThat(steps.body().get("message").asText()).isEqualTo("steps: must be a whole number but is 'many'");

    Answer tooMany = post(form("prompt", "a dog", "steps", "500"));
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.body().get("message").asText()).contains("at most 48 steps");

    Answer task = post(form("prompt", "a dog", "task", "t3v"));
    assertThat(task.status()).isEqualTo(400);
    assertThat(task.body().get("field").asText()).isEqualTo("task");
    assertThat(task.body().get("message").asText()).contains("t3v").contains("t2v");
  }

  @Test
  void aFileThatIsNoPictureIsRefused() {
    MultiValueMap<String, Object> f = form("prompt", "a <image> moves left on a red background", "task", "subject");
    f.add("image", file("cat.png", "this is not a picture".getBytes(StandardCharsets.UTF_8)));
    Answer a = post(f);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body().get("field").asText()).isEqualTo("image");
    assertThat(a.body().get("message").asText()).contains("cat.png");

    Answer missing = post(form("prompt", "a <image> moves left", "task", "subject"));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().get("message").asText()).contains("needs a picture");
  }

  @Test
  void anOversizedUploadIsRefusedWith413() {
    byte[] big = new byte[1536 * 1024];
    new Random(1).nextBytes(big);
    MultiValueMap<String, Object> f = form("prompt", "a ball moves up on a green background", "task", "predict");
    f.add("firstFrame", file("frame.png", big));
    Answer a = post(f);
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body().get("message").asText()).contains("1024 KiB");
  }

  @Test
  void aFullQueueAnswers429WithRetryAfter() throws InterruptedException {
    // one runs, one waits (web.max-concurrent=1, web.queue-capacity=1): the third is refused
    Answer first = post(form("prompt", "a dog moves right on a blue background", "steps", "48"));
    Answer second = post(form("prompt", "a cat moves left on a red background", "steps", "48"));
    Answer third = post(form("prompt", "a fish moves up on a green background", "steps", "48"));
    try {
      assertThat(first.status()).isEqualTo(202);
      assertThat(second.status()).isEqualTo(202);
      assertThat(third.status()).isEqualTo(429);
      assertThat(Long.parseLong(third.headers().getFirst(HttpHeaders.RETRY_AFTER))).isPositive();
      assertThat(third.body().get("message").asText()).contains("busy").contains("try again");
    } finally {
      for (Answer a : new Answer[] {first, second}) {
        if (a.status() == 202) {
          send("DELETE", "/api/generations/" + a.body().get("id").asText());
        }
      }
    }
    assertThat(awaitEnd(first.body().get("id").asText())).isEqualTo("cancelled");
    assertThat(awaitEnd(second.body().get("id").asText())).isEqualTo("cancelled");
  }

  @Test
  void aGenerationWhosePageWentAwayIsCancelled() throws Exception {
    Answer a = post(form("prompt", "a dog moves right on a blue background", "steps", "48"));
    assertThat(a.status()).isEqualTo(202);
    String id = a.body().get("id").asText();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpResponse<InputStream> events =
        http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + a.body().get("events").asText())).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader r = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null && !line.equals("event:progress")) {
        // skip to the first progress event: the generation runs and the page listens
      }
      assertThat(line).isEqualTo("event:progress");
    } // the page goes away
    assertThat(awaitEnd(id)).isEqualTo("cancelled");
  }
}
