package dev.vimi.encoder.mllm.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The cache key of a prompt's content: a SHA-256 over its units in order, each text by its UTF-8
 * bytes, each image by the SHA-256 of its encoded bytes or by its size and pixels. Two prompts with
 * the same key give the same conditioning. Stateless.
 */
public final class ContentKey {
  private ContentKey() {}

  /** The hex key of {@code units}, whose image units index {@code images}. */
  public static String of(List<PromptUnit> units, List<LoadedImage> images) {
    MessageDigest md = sha256();
    ByteBuffer b = ByteBuffer.allocate(16);
    for (PromptUnit u : units) {
      switch (u) {
        case PromptUnit.TextUnit t -> {
          byte[] s = t.text().getBytes(StandardCharsets.UTF_8);
          md.update(b.clear().put((byte) 'T').putInt(s.length).flip());
          md.update(s);
        }
        case PromptUnit.ImageUnit i -> {
          LoadedImage img = images.get(i.index());
          if (img.bytes() != null) {
            md.update(b.clear().put((byte) 'I').putInt(img.bytes().length).flip());
            md.update(sha256().digest(img.bytes()));
          } else {
            int[] argb = img.pixels().argb();
            md.update(b.clear().put((byte) 'P').putInt(img.pixels().width()).putInt(img.pixels().height()).flip());
            ByteBuffer px = ByteBuffer.allocate(argb.length * 4);
            px.asIntBuffer().put(argb);
            md.update(px);
          }
        }
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
