package dev.vimi.encoder.mllm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vimi.spi.Conditioning;
import dev.vimi.spi.ImageRef;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The LRU cache is keyed by content, bounded, and the encoder gives the same answers under concurrency. */
class CacheAndConcurrencyTest {

  private static MultimodalPrompt prompt(String text, ImageRef image) {
    return MultimodalPrompt.of(PromptSegment.text(text), PromptSegment.image(image), PromptSegment.text("at sunset"));
  }

  @Test
  void theCacheIsKeyedByContentNotByReference() {
    try (MllmConditionEncoder e = TestModels.open(TestModels.early())) {
      Conditioning byPath = e.encode(prompt("a cat", TestModels.image("rgba.png")));
      Conditioning byBytes = e.encode(prompt("a cat", ImageRef.ofBytes(TestModels.bytes("rgba.png"))));
      assertThat(byBytes).isSameAs(byPath);
      assertThat(e.cacheHits()).isEqualTo(1);
      // another picture, or other words, is another entry
      Conditioning other = e.encode(prompt("a cat", TestModels.image("gray.png")));
      Conditioning words = e.encode(prompt("a dog", TestModels.image("rgba.png")));
      assertThat(other).isNotSameAs(byPath);
      assertThat(other.tokens().toArray()).isNotEqualTo(byPath.tokens().toArray());
      assertThat(words.tokens().toArray()).isNotEqualTo(byPath.tokens().toArray());
      assertThat(e.cacheSize()).isEqualTo(3);
      // decoded pixels are keyed by their values
      ImageRef.OfPixels px = new ImageRef.OfPixels(2, 2, new int[] {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFFFFFFFF});
      Conditioning a = e.encode(prompt("a cat", px));
      Conditioning b = e.encode(prompt("a cat", new ImageRef.OfPixels(2, 2, px.argb())));
      assertThat(b).isSameAs(a);
    }
  }

  @Test
  void theCacheIsBounded() {
    try (MllmConditionEncoder e = TestModels.open(TestModels.early("cache_size", "2"))) {
      Conditioning first = e.encode(MultimodalPrompt.of(PromptSegment.text("a red cat")));
      e.encode(MultimodalPrompt.of(PromptSegment.text("a blue cat")));
      e.encode(MultimodalPrompt.of(PromptSegment.text("a red dog")));
      assertThat(e.cacheSize()).isEqualTo(2);
      // the least recently used entry was evicted: encoding it again computes a new, equal conditioning
      Conditioning again = e.encode(MultimodalPrompt.of(PromptSegment.text("a red cat")));
      assertThat(again).isNotSameAs(first);
      assertThat(again.tokens().toArray()).isEqualTo(first.tokens().toArray());
    }
  }

  @Test
  void withoutCacheEveryEncodeRunsTheGraphs() {
    try (MllmConditionEncoder e = TestModels.open(TestModels.early("cache_size", "0"))) {
      Conditioning a = e.encode(prompt("a cat", TestModels.image("rgba.png")));
      Conditioning b = e.encode(prompt("a cat", TestModels.image("rgba.png")));
      assertThat(b).isNotSameAs(a);
      assertThat(b.tokens().toArray()).isEqualTo(a.tokens().toArray());
      assertThat(e.cacheSize()).isZero();
    }
  }

  @Test
  void concurrentEncodesOfDifferentPromptsAgreeWithSequentialOnes() throws Exception {
    try (MllmConditionEncoder e = TestModels.open(TestModels.late("cache_size", "0"))) {
      List<MultimodalPrompt> prompts = new ArrayList<>();
      String[] pictures = {"rgba.png", "gray.png", "photo.jpg", "rgba.webp"};
      for (int i = 0; i < 8; i++) {
        prompts.add(prompt("prompt number " + i + " shows a dog", TestModels.image(pictures[i % pictures.length])));
      }
      List<float[]> sequential = new ArrayList<>();
      for (MultimodalPrompt p : prompts) {
        sequential.add(e.encode(p).tokens().toArray());
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> futures = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
          for (MultimodalPrompt p : prompts) {
            futures.add(pool.submit(() -> e.encode(p).tokens().toArray()));
          }
        }
        for (int i = 0; i < futures.size(); i++) {
          assertThat(futures.get(i).get()).as("prompt " + i % prompts.size()).isEqualTo(sequential.get(i % prompts.size()));
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
