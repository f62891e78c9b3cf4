package dev.vimi.sample.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.model.Picture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Value;

/**
 * The page as a person uses it, in headless Chromium driven by Selenium WebDriver: type a prompt, see
 * the retrieved pictures and the progress, get a video element that plays, and check that the file it
 * plays decodes. Uses the Debian packages {@code chromium} and {@code chromium-driver} (CI's {@code
 * .ci/run} installs them). Without them the test is skipped with a message, except where {@code
 * BROWSER_TEST_REQUIRED=1} (CI sets it), where their absence fails it.
 *
 * <p>Writes the README's screenshots (idle, generating, done) to {@code browser-test.screenshots}.
 */
@WebAppTest
class BrowserTest {
  private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
  private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
  private static final Duration GENERATION = Duration.ofMinutes(5);
  private static WebDriver driver;

  @Value("${local.server.port}")
  int port;

  @BeforeAll
  static void browser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    if (!present && "1".equals(System.getenv("BROWSER_TEST_REQUIRED"))) {
      throw new IllegalStateException(
          "BROWSER_TEST_REQUIRED=1 but " + CHROMIUM + " or " + DRIVER + " is missing; install the Debian packages chromium and chromium-driver");
    }
    assumeTrue(present, "skipped: the browser test needs " + CHROMIUM + " and " + DRIVER
        + " (apt-get install chromium chromium-driver); set CHROMIUM and CHROMEDRIVER for other places");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=900,1450",
        "--autoplay-policy=no-user-gesture-required");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  @AfterAll
  static void close() {
    if (driver != null) {
      driver.quit();
    }
  }

  private void screenshot(String name) throws IOException {
    String dir = System.getProperty("browser-test.screenshots");
    if (dir != null) {
      Path target = Path.of(dir, name + ".png");
      Files.createDirectories(target.getParent());
      Files.write(target, ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  @Test
  void aPersonTypesAPromptSeesTheRetrievedPicturesAndProgressAndGetsAPlayableVideo() throws Exception {
    driver.get("http://localhost:" + port + "/");
    WebDriverWait wait = new WebDriverWait(driver, GENERATION);
    wait.until(d -> d.findElement(By.id("model")).getText().contains("vimi-tiny"));
    WebElement prompt = driver.findElement(By.id("prompt"));
    prompt.sendKeys("a dog moves right on a blue background");
    WebElement steps = driver.findElement(By.id("steps"));
    steps.sendKeys("6");
    screenshot("idle");

    driver.findElement(By.id("generate")).click();

    // the retrieved pairs, as pictures with captions, while the video is still being made
    wait.until(d -> d.findElements(By.cssSelector("#retrieved figure img")).size() == 2);
    wait.until(d -> (Boolean) js("return [...document.querySelectorAll('#retrieved img')].every(i => i.complete && i.naturalWidth > 0)"));
    List<String> captions = driver.findElements(By.cssSelector("#retrieved figcaption")).stream().map(WebElement::getText).toList();
    assertThat(captions).hasSize(2).allSatisfy(c -> assertThat(c).isNotBlank());

    // live progress of the first stage
    wait.until(d -> d.findElements(By.cssSelector(".stage[data-stage=base] span")).stream().anyMatch(s -> s.getText().contains("step")));
    assertThat(driver.findElement(By.cssSelector(".stage[data-stage=base] span")).getText()).startsWith("Stage 1/3 base: step ");
    screenshot("generating");

    // the video plays in the page
    wait.until(d -> d.findElement(By.id("result")).isDisplayed());
    wait.until(d -> ((Number) js("return document.getElementById('video').readyState")).intValue() >= 2);
    Number width = (Number) js("return document.getElementById('video').videoWidth");
    Number height = (Number) js("return document.getElementById('video').videoHeight");
    assertThat(width.intValue()).isEqualTo(512);
    assertThat(height.intValue()).isEqualTo(288);
    assertThat(driver.findElement(By.id("video")).getAttribute("error")).isNull();
    assertThat(driver.findElement(By.cssSelector(".stage[data-stage=upsampler] span")).getText())
        .isEqualTo("Stage 3/3 upsampler: step 6/6");
    screenshot("done");

    // the file it plays (and the download) decodes: 16 frames of 512x288
    String src = (String) js("return document.getElementById('video').currentSrc");
    String download = driver.findElement(By.id("download")).getAttribute("href");
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(src)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    HttpResponse<byte[]> saved = http.send(HttpRequest.newBuilder(URI.create(download)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(saved.headers().firstValue("Content-Disposition")).hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
    assertThat(saved.body()).isEqualTo(file.body());
    Path mp4 = Files.createTempFile("vimi-web-", ".mp4");
    try {
      Files.write(mp4, file.body());
      FrameGrab grab = FrameGrab.createFrameGrab(NIOUtils.readableChannel(mp4.toFile()));
      int frames = 0;
      Picture p;
      while ((p = grab.getNativeFrame()) != null) {
        assertThat(p.getWidth()).isEqualTo(512);
        assertThat(p.getHeight()).isEqualTo(288);
        frames++;
      }
      assertThat(frames).isEqualTo(16);
    } finally {
      Files.deleteIfExists(mp4);
    }
  }
}
