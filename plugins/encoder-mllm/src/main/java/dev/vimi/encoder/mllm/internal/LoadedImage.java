package dev.vimi.encoder.mllm.internal;

import dev.vimi.spi.ImageRef;

/**
 * One image of a prompt as read: its encoded bytes, or its pixels when it came as pixels (exactly one
 * of the two is non-null). Holds the caller's arrays without copying; nobody modifies them.
 *
 * @param what the image for error messages, e.g. {@code image 2 (cat.png)}
 */
public record LoadedImage(String what, byte[] bytes, ImageRef.OfPixels pixels) {}
