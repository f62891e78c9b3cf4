package dev.vimi.api;

/** How a cascade stage resizes the previous stage's video to its own size before conditioning on it. */
public enum Resize {
  /** Nearest neighbour in time and space. */
  NEAREST,
  /** Linear interpolation in time, height and width (align-corners false, half-pixel centres). */
  TRILINEAR;

  /** Parses the manifest spelling ({@code nearest}, {@code trilinear}). */
  public static Resize parse(String s) {
    return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "nearest" -> NEAREST;
      case "trilinear", "linear", "bilinear" -> TRILINEAR;
      default ->
          throw new dev.vimi.spi.InvalidInputException(
              "low_res_resize", "unknown resize mode '" + s + "'; expected nearest or trilinear");
    };
  }
}
