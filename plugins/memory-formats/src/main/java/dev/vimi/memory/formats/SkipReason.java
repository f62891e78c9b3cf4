package dev.vimi.memory.formats;

/** Why a record was rejected. Counted per reason in {@link ReadCounts}. */
public enum SkipReason {
  /** Not valid JSON, not a JSON object, a field of the wrong type, or the wrong number of TSV columns. */
  MALFORMED_RECORD("malformed record"),
  /**
   * Text that is not valid UTF-8 (a line of JSONL or TSV, a caption or JSON sidecar): decoding it
   * anyway would store replacement characters as if the caption were intact.
   */
  INVALID_ENCODING("invalid UTF-8"),
  /** No id, or a blank one. */
  MISSING_ID("missing id"),
  /** An id longer than {@link ReadOptions#MAX_ID_CHARS} characters or holding a line break or tab. */
  BAD_ID("bad id"),
  /** No caption, or a blank one. */
  MISSING_CAPTION("missing caption"),
  /** A caption longer than {@link ReadOptions#maxCaptionChars()}. */
  CAPTION_TOO_LONG("caption too long"),
  /** An image reference that cannot be parsed: a bad URI, bad base64, several image fields at once. */
  BAD_IMAGE_REFERENCE("bad image reference"),
  /** An image file that does not exist or cannot be read. */
  MISSING_IMAGE("missing or unreadable image"),
  /** Image bytes that are not PNG, JPEG, GIF, WebP or BMP, or that are cut short. */
  BAD_IMAGE("unrecognised or truncated image"),
  /** An image in a folder or shard with no caption file next to it. */
  IMAGE_WITHOUT_CAPTION("image without caption"),
  /** A caption file in a folder or shard with no image next to it. */
  CAPTION_WITHOUT_IMAGE("caption without image"),
  /** A tar shard that ends in the middle of an entry or without its end-of-archive marker. */
  TRUNCATED_SHARD("truncated shard"),
  /** A tar shard with a damaged header (bad checksum or size field); the rest of the shard is unreadable. */
  CORRUPT_SHARD("corrupt shard");

  private final String description;

  SkipReason(String description) {
    this.description = description;
  }

  /** A short lower-case description for messages and summaries. */
  public String description() {
    return description;
  }
}
