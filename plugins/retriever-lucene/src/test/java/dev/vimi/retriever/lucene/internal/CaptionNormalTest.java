package dev.vimi.retriever.lucene.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The caption normalisation behind the de-duplication digest stays the one existing memories were made with. */
class CaptionNormalTest {

  @Test
  void theGeneralCaptionNormalIsTheRegularExpressionOne() {
    String[] samples = {
      "", " ", "Café", "  Café  au\tLAIT ", "naïve\n\nTEXT", "x\u000By\fz\rw", "a\u00A0b", "a\u2003b", "\u2003lead and trail\u2003",
      "a\u001Cb", "İstanbul", "ǅemal ΣΊΣΥΦΟΣ", "emoji 😀  here", "tab\t\t\tend\t"
    };
    for (String s : samples) {
      assertThat(LuceneMemoryWriter.generalNormal(s)).as(s).isEqualTo(regexNormal(s));
    }
    Random r = new Random(42);
    char[] alphabet = " \t\n\u000B\f\r\u001C\u00A0\u2003\u3000aZéÉİıΣ😀".toCharArray();
    for (int n = 0; n < 20_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int i = r.nextInt(12); i > 0; i--) {
        sb.append(alphabet[r.nextInt(alphabet.length)]);
      }
      String s = sb.toString();
      assertThat(LuceneMemoryWriter.generalNormal(s)).as(s).isEqualTo(regexNormal(s));
    }
  }

  /** The definition the caption digests of existing memories were made with. */
  private static String regexNormal(String caption) {
    return String.join(" ", caption.strip().toLowerCase(Locale.ROOT).split("\\s+"));
  }
}
