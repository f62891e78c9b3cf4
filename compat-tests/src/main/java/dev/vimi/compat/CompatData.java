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
   * {@code n} pairs with ids {@code p0000...}. Captions hold 3 to 7 vocabulary words plus one unique
   * word, and one vocabulary word as keyword. Every other pair has an image, in turn: a PNG file
   * written under {@code imageDir} ({@link ImageRef.OfPath}), PNG bytes held in memory ({@link
   * ImageRef.OfBytes}), and decoded pixels ({@link ImageRef.OfPixels}) when {@code pixels} is true (PNG
   * bytes otherwise).
   */
  public static List<ImageTextPair> memory(int n, long seed, Path imageDir, boolean pixels) {
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
        int rgb = rnd.nextInt(0xFFFFFF);
        ImageRef image =
            switch (i % 6) {
              case 0 -> {
                Path png = imageDir.resolve(id + ".png");
                Files.write(png, png(8, 8, rgb));
                yield ImageRef.of(png);
              }
              case 2 -> ImageRef.ofBytes(png(8, 8, rgb));
              case 4 -> pixels ? pixels(6, 5, rgb) : ImageRef.ofBytes(png(6, 5, rgb));
              default -> null;
            };
        out.add(new ImageTextPair(id, caption.toString(), keywords, image));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(out);
  }

  /** {@link #memory(int, long, Path, boolean)} without decoded-pixel images. */
  public static List<ImageTextPair> memory(int n, long seed, Path imageDir) {
    return memory(n, seed, imageDir, false);
  }

  /** Decoded opaque pixels of the given size and colour, with a one-pixel marker in the corner. */
  public static ImageRef.OfPixels pixels(int width, int height, int rgb) {
    int[] argb = new int[width * height];
    java.util.Arrays.fill(argb, 0xFF000000 | rgb);
    argb[0] = 0xFF000000 | (~rgb & 0xFFFFFF);
    return new ImageRef.OfPixels(width, height, argb);
  }

  /** A made-up lower-case word unique to {@code i}, e.g. {@code "zqbukaq"}. */
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
    // a final 'q' matches no suffix rule of an English stemmer, so no two unique words share a stem
    return sb.append('q').toString();
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
