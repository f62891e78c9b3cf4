package dev.vimi.compat;

import dev.vimi.spi.ImageRef;
import dev.vimi.spi.ImageTextPair;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Deterministic test data for the contract suites: captions over a small vocabulary of plain English
 * nouns and adjectives that no common analyzer stems onto each other, each caption with one unique
 * made-up word, and small real PNG images.
 */
public final class CompatData {
  /** Words the generated captions are made of. None is a stop word or a stem of another. */
  public static final List<String> VOCABULARY =
      List.of(
          "cat", "dog", "bird", "fish", "horse", "tree", "flower", "river", "mountain", "beach", "car", "boat",
          "train", "house", "castle", "moon", "sun", "star", "cloud", "rain", "snow", "red", "blue", "green",
          "yellow", "purple", "orange", "small", "big", "happy", "sad", "fast", "slow", "old", "young", "night",
          "morning", "forest", "desert", "ocean", "robot", "pizza", "apple", "banana", "guitar", "piano", "rocket",
          "planet", "dragon", "tiger");

  private CompatData() {}

  /**
   * {@code n} pairs with ids {@code p0000...}; every third pair has a PNG image written under {@code
   * imageDir}, the others are text-only. Captions hold 3 to 7 vocabulary words plus one unique word.
   */
  public static List<ImageTextPair> memory(int n, long seed, Path imageDir) {
    Random rnd = new Random(seed);
    List<ImageTextPair> out = new ArrayList<>(n);
    try {
      Files.createDirectories(imageDir);
      for (int i = 0; i < n; i++) {
        String id = String.format("p%04d", i);
        StringBuilder caption = new StringBuilder();
        int words = 3 + rnd.nextInt(5);
        for (int w = 0; w < words; w++) {
          caption.append(VOCABULARY.get(rnd.nextInt(VOCABULARY.size()))).append(' ');
        }
        caption.append(uniqueWord(i));
        List<String> keywords = List.of(VOCABULARY.get(rnd.nextInt(VOCABULARY.size())));
        ImageRef image = null;
        if (i % 3 == 0) {
          Path png = imageDir.resolve(id + ".png");
          Files.write(png, png(8, 8, rnd.nextInt(0xFFFFFF)));
          image = ImageRef.of(png);
        }
        out.add(new ImageTextPair(id, caption.toString(), keywords, image));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  /** A made-up lower-case word unique to {@code i}, e.g. {@code "zobuka"}. */
  public static String uniqueWord(int i) {
    String consonants = "bdfgklmnprstvz";
    String vowels = "aeiou";
    StringBuilder sb = new StringBuilder("zq");
    int v = i;
    do {
      sb.append(consonants.charAt(v % consonants.length()));
      v /= consonants.length();
      sb.append(vowels.charAt(v % vowels.length()));
      v /= vowels.length();
    } while (v > 0);
    return sb.toString();
  }

  /** A solid-colour PNG of the given size with a one-pixel marker in the corner. */
  public static byte[] png(int width, int height, int rgb) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    img.setRGB(0, 0, ~rgb & 0xFFFFFF);
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", bos);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** Does {@code text}, split on non-letters and lower-cased, contain {@code word}? */
  public static boolean containsWord(String text, String word) {
    for (String t : text.toLowerCase(java.util.Locale.ROOT).split("[^\\p{L}\\p{Nd}]+")) {
      if (t.equals(word)) {
        return true;
      }
    }
    return false;
  }
}
