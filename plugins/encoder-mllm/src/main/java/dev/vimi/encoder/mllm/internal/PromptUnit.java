package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.InvalidInputException;
import dev.vimi.spi.MultimodalPrompt;
import dev.vimi.spi.PromptSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of a prompt in reading order: text to tokenize ({@link TextUnit}), or the slot of an image
 * ({@link ImageUnit}). {@link #read} turns a prompt into its units. Immutable.
 */
public sealed interface PromptUnit permits PromptUnit.TextUnit, PromptUnit.ImageUnit {

  /** Text to tokenize; never blank. */
  record TextUnit(String text) implements PromptUnit {}

  /** The slot of image {@code index} (among the prompt's images, from 0). */
  record ImageUnit(int index) implements PromptUnit {}

  /**
   * The units of {@code prompt}. Blank text is dropped. When {@code textPlaceholders} is set and the
   * text holds {@code <image>} placeholders (the text form), the image segments fill them in order;
   * otherwise each image stands where its segment is.
   *
   * @param vision whether the encoder has a vision tower; without one, images are refused
   * @throws InvalidInputException if the prompt is empty, holds images an encoder without a vision
   *     tower cannot read, or its placeholders and images do not pair up
   */
  static List<PromptUnit> read(MultimodalPrompt prompt, boolean textPlaceholders, boolean vision) {
    if (prompt.isBlank()) {
      throw new InvalidInputException(
          "prompt", "the prompt is empty: it has no image and no text other than white space; give it some text or an image");
    }
    String ph = PromptSegment.IMAGE_PLACEHOLDER;
    int placeholders = 0;
    if (textPlaceholders) {
      for (PromptSegment s : prompt.segments()) {
        if (s instanceof PromptSegment.Text t) {
          placeholders += count(t.text(), ph);
        }
      }
    }
    int images = prompt.imageCount();
    if (images > 0 && !vision) {
      throw new InvalidInputException(
          "prompt",
          "the prompt holds " + images + " image(s) but this encoder has no vision tower (configuration keys model.vision and"
              + " model.projector are not set); remove the images or configure a vision tower");
    }
    List<PromptUnit> units = new ArrayList<>();
    if (placeholders == 0) {
      int next = 0;
      for (PromptSegment s : prompt.segments()) {
        switch (s) {
          case PromptSegment.Text t -> {
            if (!t.text().isBlank()) {
              units.add(new TextUnit(t.text()));
            }
          }
          case PromptSegment.Image i -> units.add(new ImageUnit(next++));
        }
      }
      return units;
    }
    // the text form: "<image>" in the text stands for the next image segment
    if (placeholders != images) {
      throw new InvalidInputException(
          "prompt",
          "the text holds " + placeholders + " '" + ph + "' placeholder(s) but the prompt has " + images
              + " image(s); in the text form each '" + ph + "' stands for the next image segment, so the counts must"
              + " match. Add or remove images or placeholders, or leave '" + ph + "' out of the text and put each image"
              + " segment where the image belongs");
    }
    int next = 0;
    for (PromptSegment s : prompt.segments()) {
      if (s instanceof PromptSegment.Text t) {
        String text = t.text();
        int from = 0;
        while (true) {
          int at = text.indexOf(ph, from);
          String piece = text.substring(from, at < 0 ? text.length() : at);
          if (!piece.isBlank()) {
            units.add(new TextUnit(piece));
          }
          if (at < 0) {
            break;
          }
          units.add(new ImageUnit(next++));
          from = at + ph.length();
        }
      }
    }
    return units;
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
      n++;
    }
    return n;
  }
}
